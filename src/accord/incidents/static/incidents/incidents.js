// The incident room: countdowns that tick (the page works without this script; the server wrote the
// time left when the page was made) and the "copy as text" button of the briefing.
(() => {
  const text = (ms) => {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    const d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
    const span = d ? `${d} d${h ? ` ${h} h` : ""}` : h ? `${h} h${m ? ` ${m} min` : ""}` : `${m} min`;
    return ms > 0 ? `${span} left` : `overdue by ${span}`;
  };
  const tick = () => {
    const now = Date.now();
    for (const el of document.querySelectorAll(".countdown[data-due]")) {
      const due = Date.parse(el.dataset.due);
      if (Number.isNaN(due)) continue;
      el.textContent = text(due - now);
      el.classList.toggle("overdue", due <= now);
    }
  };
  document.addEventListener("DOMContentLoaded", () => {
    tick();
    setInterval(tick, 30000);
    for (const button of document.querySelectorAll("[data-copy]")) {
      button.addEventListener("click", async () => {
        const source = document.querySelector(button.dataset.copy);
        if (!source) return;
        try {
          await navigator.clipboard.writeText(source.textContent);
          button.textContent = "Copied";
        } catch (e) {
          const range = document.createRange();
          range.selectNodeContents(source);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          button.textContent = "Selected: press Ctrl+C";
        }
      });
    }
  });
})();
