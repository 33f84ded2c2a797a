"use strict";
(function () {
  const data = JSON.parse(document.getElementById("tracegrad-data").textContent);
  const steps = data.steps;
  const nodes = data.nodes;
  const svgNamespace = "http://www.w3.org/2000/svg";
  let current = 0;
  let selected = null;

  // Big graphs start zoomed in on each step, so the numbers stay readable from afar.
  let zoomed = nodes.length > 20;

  // A wide graph (left to right) gets the full width, with the panel beneath it.
  const picture = document.querySelector("#graph svg");
  const whole = picture.getAttribute("viewBox");
  const frame = whole ? picture.viewBox.baseVal : null;
  const full = frame ? { width: frame.width, height: frame.height } : null;
  if (full && full.width / full.height > 2.2) { document.body.classList.add("wide"); }

  // Every id comes from the page data (the view's contract); none is built here.
  function byId(name) { return name === null ? null : document.getElementById(name); }
  function nodeGroup(index) { return byId(nodes[index].ids.box); }
  function opGroup(index) { return byId(nodes[index].ids.operation); }
  function outputEdge(index) { return byId(nodes[index].ids.output); }
  function inputEdges(index) {
    const ids = nodes[index].ids;
    return ids.edges.concat(ids.labels).map(byId);
  }
  nodes.forEach(function (node) {
    node.ids.labels.forEach(function (name) {
      const card = byId(name);  // null: that edge carries no number of its own
      if (card) { card.classList.add("edge-label"); }
    });
  });

  // Each node's "grad" line is in the drawing from the start, hidden until it is final.
  const gradientLines = nodes.map(function (node, index) {
    const group = nodeGroup(index);
    if (!group || node.gradLine === null) { return []; }
    const line = group.querySelectorAll("text")[node.gradLine];
    if (!line) { return []; }
    line.classList.add("grad-line");
    return [line];
  });

  function isFinal(node) { return node.final !== null && node.final <= current; }

  function setClass(element, name, on) {
    if (element) { element.classList.toggle(name, on); }
  }

  function paintGraph(step) {
    nodes.forEach(function (node, index) {
      const shown = node.appears <= current;
      setClass(nodeGroup(index), "pending", !shown);
      setClass(opGroup(index), "pending", !shown);
      setClass(outputEdge(index), "pending", !shown);
      inputEdges(index).forEach(function (edge) { setClass(edge, "pending", !shown); });
      gradientLines[index].forEach(function (line) {
        line.style.visibility = isFinal(node) ? "visible" : "hidden";
      });
      const isCurrent = step.node === index;
      setClass(nodeGroup(index), "current", isCurrent);
      setClass(opGroup(index), "current", isCurrent);
      setClass(outputEdge(index), "current", isCurrent);
      inputEdges(index).forEach(function (edge) { setClass(edge, "current", isCurrent); });
      setClass(nodeGroup(index), "receiving", step.inputs.indexOf(index) >= 0);
      setClass(nodeGroup(index), "selected", selected === index);
    });
  }

  function paintPanel(step) {
    const phase = byId("phase");
    phase.className = step.phase;
    phase.textContent = step.phase === "start" || step.phase === "forward" ? "forward pass"
      : "backward pass";
    byId("step-title").textContent = step.title;
    const arithmetic = byId("arithmetic");
    arithmetic.replaceChildren();
    step.lines.forEach(function (line, lineNumber) {
      const paragraph = document.createElement("p");
      if (lineNumber === 0 && step.phase === "backward") { paragraph.className = "headline"; }
      paragraph.textContent = line;
      arithmetic.appendChild(paragraph);
    });
    if (step.table) { arithmetic.appendChild(makeTable(step.table)); }
    byId("counter").textContent = "Step " + current + " / " + (steps.length - 1);
    byId("prev").disabled = current === 0;
    byId("next").disabled = current === steps.length - 1;
  }

  function makeTable(table) {
    const element = document.createElement("table");
    const head = element.createTHead().insertRow();
    table.header.forEach(function (text) {
      const cell = document.createElement("th");
      cell.textContent = text;
      head.appendChild(cell);
    });
    const body = element.createTBody();
    table.rows.forEach(function (row) {
      const line = body.insertRow();
      row.forEach(function (text) { line.insertCell().textContent = text; });
    });
    return element;
  }

  // Zooming frames the current node, its operation and its inputs, so the numbers grow.
  function frameStep(step) {
    if (!zoomed || step.node === null || !whole) {
      if (whole) { picture.setAttribute("viewBox", whole); }
      return;
    }
    const groups = [nodeGroup(step.node), opGroup(step.node)];
    step.inputs.forEach(function (index) { groups.push(nodeGroup(index)); });
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    groups.forEach(function (group) {
      if (!group) { return; }
      const box = group.getBBox();
      const shift = group.getCTM() && picture.getCTM()
        ? picture.getCTM().inverse().multiply(group.getCTM()) : null;
      const x = shift ? box.x * shift.a + shift.e : box.x;
      const y = shift ? box.y * shift.d + shift.f : box.y;
      const width = shift ? box.width * shift.a : box.width;
      const height = shift ? box.height * shift.d : box.height;
      left = Math.min(left, x); top = Math.min(top, y);
      right = Math.max(right, x + width); bottom = Math.max(bottom, y + height);
    });
    if (left === Infinity) { return; }
    // Never closer than a third of the graph, so the neighbourhood stays in view.
    const width = Math.max(right - left + 80, full.width / 3);
    const height = Math.max(bottom - top + 80, full.height / 3);
    const middleX = (left + right) / 2, middleY = (top + bottom) / 2;
    picture.setAttribute("viewBox",
      [middleX - width / 2, middleY - height / 2, width, height].join(" "));
  }

  function showDetails(index) {
    const node = nodes[index];
    selected = index;
    byId("details").hidden = false;
    byId("details-title").textContent = node.name;
    const numbers = byId("details-numbers");
    numbers.replaceChildren();
    const rows = [
      ["data", node.data],
      ["∂" + data.root_name + "/∂" + node.name,
        node.final === null ? "none: a constant has no gradient"
          : isFinal(node) ? node.grad
          : "not final yet (final at step " + node.final + ")"],
      ["made by", node.op === null ? "a leaf (given)" : node.op],
    ];
    rows.forEach(function (row) {
      const term = document.createElement("dt");
      term.textContent = row[0];
      const value = document.createElement("dd");
      value.textContent = row[1];
      numbers.append(term, value);
    });
    // Like the grad line in the picture, the explanation waits until the gradient is final.
    byId("details-explanation").textContent =
      node.final === null || isFinal(node) ? node.explanation
      : "The chain-rule explanation appears at step " + node.final
        + ", when this gradient is final.";
    paintGraph(steps[current]);
  }

  function go(index) {
    current = Math.max(0, Math.min(steps.length - 1, index));
    const step = steps[current];
    paintGraph(step);
    paintPanel(step);
    frameStep(step);
    if (selected !== null) { showDetails(selected); }
  }

  function toggleZoom() {
    zoomed = !zoomed;
    byId("zoom").setAttribute("aria-pressed", String(zoomed));
    go(current);
  }

  byId("next").addEventListener("click", function () { go(current + 1); });
  byId("prev").addEventListener("click", function () { go(current - 1); });
  byId("reset").addEventListener("click", function () { go(0); });
  byId("zoom").addEventListener("click", toggleZoom);
  document.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight" || event.key === "PageDown") { go(current + 1); }
    else if (event.key === "ArrowLeft" || event.key === "PageUp") { go(current - 1); }
    else if (event.key === "Home") { go(0); }
    else if (event.key === "End") { go(steps.length - 1); }
    else if (event.key === "z" || event.key === "Z") { toggleZoom(); }
    else { return; }
    event.preventDefault();
  });
  nodes.forEach(function (_, index) {
    [nodeGroup(index), opGroup(index)].forEach(function (group) {
      if (group) {
        group.addEventListener("click", function () { showDetails(index); });
      }
    });
  });
  byId("zoom").setAttribute("aria-pressed", String(zoomed));
  go(0);
}());
