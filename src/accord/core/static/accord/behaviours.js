// Small page behaviours declared with data- attributes, so that no page needs an inline handler
// (the Content-Security-Policy allows scripts from our static files only):
//   data-confirm="Question?"   on a form: asks before submitting; on a button: asks before its form submits
//   data-autosubmit            on a select: submits its form when the choice changes
//   data-mirror="ID"           on an input: writes its value, as a whole number, into the <output> ID
//   data-back                  on a link: goes back in the history (the href is where to go without it)
document.addEventListener("submit", (event) => {
  const asks = [event.target, event.submitter].filter((el) => el && el.dataset && el.dataset.confirm);
  if (asks.some((el) => !window.confirm(el.dataset.confirm))) event.preventDefault();
}, true);
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
});
document.addEventListener("input", (event) => {
  const id = event.target.dataset && event.target.dataset.mirror;
  const output = id && document.getElementById(id);
  if (output) output.value = Number(event.target.value).toLocaleString("en", {maximumFractionDigits: 0});
});
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
