/* The notebook widget of visualize.stepper (an anywidget module), appended to page.js.
 *
 * The page's markup and style go into a shadow root of the cell's output, so the
 * page's ids and rules stay apart from the notebook's (and from a second stepper's);
 * page.js's mountStepper brings it to life there. The model holds the page
 * ({markup, style, data}) and the step, counted from 1 as the page's counter shows
 * it: Python sets ``widget.step`` and the stepper goes there; a press of Next
 * sets it back.
 */
function render(context) {
  const model = context.model;
  const host = context.el;
  const shadow = host.attachShadow({ mode: "open" });
  let stepper = null;
  let waiting = 0;

  function mount() {
    if (stepper) { stepper.destroy(); stepper = null; }
    cancelAnimationFrame(waiting);
    const page = model.get("page");
    const style = document.createElement("style");
    style.textContent = page.style;
    // A template parses the markup without running anything; the graph's SVG in it was
    // checked in Python (visualize.html.inline_svg) to carry nothing that could run.
    const markup = document.createElement("template");
    markup.innerHTML = page.markup;
    shadow.replaceChildren(style, markup.content);
    start(page.data);
  }

  // The stepper measures its text and its area: it starts once the cell is on screen.
  function start(data) {
    if (!host.isConnected || host.getBoundingClientRect().width === 0) {
      waiting = requestAnimationFrame(function () { start(data); });
      return;
    }
    const wanted = model.get("step") - 1;
    stepper = mountStepper(shadow, data, { onStep: tell });
    stepper.go(wanted);
  }

  function tell(index) {
    if (model.get("step") !== index + 1) {
      model.set("step", index + 1);
      model.save_changes();
    }
  }

  function follow() {
    const wanted = model.get("step") - 1;
    if (stepper && stepper.step() !== wanted) { stepper.go(wanted); }
  }

  model.on("change:page", mount);
  model.on("change:step", follow);
  mount();
  return function () {
    cancelAnimationFrame(waiting);
    if (stepper) { stepper.destroy(); }
    model.off("change:page", mount);
    model.off("change:step", follow);
  };
}

export default { render };
