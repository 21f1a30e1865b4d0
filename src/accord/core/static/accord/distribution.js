// Distribution fields: show only the boxes the chosen shape reads, labelled for it (the page works
// without this script; the server says which box is wrong).
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll(".distribution")) {
    const shapes = JSON.parse(field.dataset.shapes);
    const select = field.querySelector("select.shape");
    const boxes = field.querySelectorAll(".box");
    const show = () => {
      const labels = shapes[select.value] || ["low", "most likely", "high"];
      boxes.forEach((box, i) => {
        box.hidden = select.value !== "" && !labels[i];
        box.querySelector(".box-label").textContent = labels[i] || "";
      });
    };
    select.addEventListener("change", show);
    show();
  }
});
