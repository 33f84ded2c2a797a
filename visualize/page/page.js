/* The stepper of visualize.export_html and visualize.stepper: steps through the lecture
 * Python wrote as JSON.
 *
 * Python computed and formatted every number (visualize/lecture.py); this script
 * only shows and hides them, writing text with textContent (never HTML), so a
 * label cannot run as code. The one markup it inserts, the slides' formulas, is
 * MathML parsed as XML and checked element by element first (mathElement).
 * Every id in the drawing comes from the page data.
 *
 * mountStepper(scope, data, options) brings to life the page's markup found in
 * ``scope``: the page's own document, or the shadow root of a notebook widget (its
 * own ids and style, apart from the notebook's). ``options.keys`` is where the keys
 * are heard (default ``scope``), ``options.onStep(index)`` hears every move. It
 * returns { go(index), step(), destroy() } for a widget to drive it.
 */
"use strict";
/* exported mountStepper -- called by the page's own boot line and by the widget */
function mountStepper(scope, data, options) {
  const settings = options || {};
  const steps = data.steps;
  const nodes = data.nodes;
  const svgNamespace = "http://www.w3.org/2000/svg";
  const picture = scope.querySelector("#graph > svg");
  const graphArea = scope.getElementById("graph");

  let current = 0;
  let selected = null;
  let focusChain = 0;
  // A page made for exercises opens asking them (the Predict button still toggles).
  let predicting = Boolean(data.exercise);
  // Per step, per question: "right", "wrong" (tried, not yet right), "shown"; first tries scored.
  const answers = steps.map(function (step) { return step.questions.map(function () { return null; }); });
  const firstTry = steps.map(function (step) { return step.questions.map(function () { return null; }); });

  function byId(name) { return name === null ? null : scope.getElementById(name); }
  function nodeGroup(index) { return byId(nodes[index].ids.box); }
  function opGroup(index) { return byId(nodes[index].ids.operation); }
  function outputEdge(index) { return byId(nodes[index].ids.output); }
  function edgeParts(index, position) {
    const ids = nodes[index].ids;
    return [byId(ids.edges[position]), byId(ids.labels[position])];
  }
  function setClass(element, name, on) { if (element) { element.classList.toggle(name, on); } }
  function make(tag, text, className) {
    const element = document.createElement(tag);
    if (text !== undefined) { element.textContent = text; }
    if (className) { element.className = className; }
    return element;
  }

  // ----- the drawing's text lines: value, gradient, local derivatives -------------

  nodes.forEach(function (node) {
    node.ids.labels.forEach(function (name) {
      const card = byId(name);
      if (card) { card.classList.add("edge-label"); }
    });
    node.readers = [];
  });
  nodes.forEach(function (node, index) {
    node.inputs.forEach(function (input) {
      if (nodes[input].readers.indexOf(index) < 0) { nodes[input].readers.push(index); }
    });
  });
  function textLine(index, line) {
    const group = nodeGroup(index);
    if (!group || line === null || line < 0) { return null; }
    return group.querySelectorAll("text")[line] || null;
  }
  const valueLines = nodes.map(function (node, index) {
    const line = textLine(index, node.dataLine);
    if (line) { centre(line); }
    return line ? { element: line, given: line.textContent } : null;
  });
  // Graphviz anchors each line at its start; a value is replaced by "?" or by its updated
  // number, so anchor it at its middle instead, or "?" would sit where the number began.
  function centre(line) {
    if (line.getAttribute("text-anchor") === "middle") { return; }
    const middle = Number(line.getAttribute("x")) + line.getComputedTextLength() / 2;
    line.setAttribute("x", String(middle));
    line.setAttribute("text-anchor", "middle");
  }
  const gradientLines = nodes.map(function (node, index) {
    const line = textLine(index, node.gradLine);
    if (line) { line.classList.add("grad-line"); }
    return line;
  });
  // The local derivatives on the edges into a node: its numbers, shown from its backward step.
  // A number's card is hidden with it: a blank white card would cut its edge in two.
  const edgeNumbers = nodes.map(function (node, index) {
    const shapes = [];
    node.inputs.forEach(function (_, position) {
      const parts = edgeParts(index, position);
      parts.forEach(function (part, which) {
        if (!part) { return; }
        const selector = which === 1 ? "text, polygon" : "text";
        part.querySelectorAll(selector).forEach(function (shape) { shapes.push(shape); });
      });
    });
    return shapes;
  });

  // ----- predict mode --------------------------------------------------------------

  function pending(index) {
    return predicting && answers[index].some(function (answer) {
      return answer !== "right" && answer !== "shown";
    });
  }
  // What the picture may show: everything up to this step, or up to the one before
  // while its numbers are still to be predicted.
  function revealed() { return pending(current) ? current - 1 : current; }
  function isFinal(node) { return node.final !== null && node.final <= revealed(); }

  function parseNumber(text) {
    const cleaned = text.trim().replace(/\u2212/g, "-").replace(",", ".");
    return cleaned === "" || isNaN(Number(cleaned)) ? null : Number(cleaned);
  }

  // On a wrong gradient, name the one chain-rule factor (or path) whose absence comes
  // closest to the answer given.
  function missedPiece(question, guess) {
    const chain = question.chain;
    if (!chain || chain.paths.length === 0) { return null; }
    let best = null;
    function consider(distance, text) {
      if (best === null || distance < best.distance) { best = { distance: distance, text: text }; }
    }
    chain.paths.forEach(function (path) {
      if (chain.paths.length > 1) {
        consider(Math.abs(guess - (question.answer - path.productValue)),
          "the path " + path.symbols + " adds " + path.product);
      }
      path.factors.forEach(function (factor) {
        if (factor.value === 0) { return; }
        const without = question.answer - path.productValue + path.productValue / factor.value;
        consider(Math.abs(guess - without), "the factor " + factor.symbol + " = " + factor.text);
      });
    });
    return best.text;
  }

  // An exercise's question carries its usual mistakes with the numbers they give (as
  // exercise.check compares them): the nearest within the tolerance is named.
  function likelyMistake(question, guess) {
    let best = null;
    (question.mistakes || []).forEach(function (mistake) {
      const allowed = Math.max(question.absolute, question.relative * Math.abs(mistake.value));
      const distance = Math.abs(guess - mistake.value);
      if (distance <= allowed && (best === null || distance < best.distance)) {
        best = { distance: distance, text: mistake.text };
      }
    });
    return best === null ? null : best.text;
  }

  function currentQuestion() {
    return answers[current].findIndex(function (answer) {
      return answer !== "right" && answer !== "shown";
    });
  }

  function check(event) {
    event.preventDefault();
    const number = currentQuestion();
    if (number < 0) { return; }
    const question = steps[current].questions[number];
    const guess = parseNumber(byId("answer").value);
    const feedback = byId("feedback");
    if (guess === null) {
      feedback.className = "wrong";
      feedback.textContent = "Type a number, such as -0.3835.";
      return;
    }
    const right = Math.abs(guess - question.answer) <= question.tolerance;
    if (firstTry[current][number] === null) { firstTry[current][number] = right; }
    if (right) {
      answers[current][number] = "right";
      feedback.className = "right";
      feedback.textContent = "Right: " + question.text + ".";
      byId("answer").value = "";
      paint(true);
      return;
    }
    answers[current][number] = "wrong";
    feedback.className = "wrong";
    const diagnosis = likelyMistake(question, guess);
    if (diagnosis) {
      feedback.textContent = "Not yet: " + byId("answer").value.trim() + ". " + diagnosis;
      byId("answer").select();
      return;
    }
    const missed = missedPiece(question, guess);
    const distance = Math.abs(guess - question.answer);
    // Near misses are rounding: say so, as well as naming a factor to check.
    const close = distance <= 0.05 * Math.abs(question.answer) ? " (close: round only at the end)" : "";
    feedback.textContent = "Not quite: " + byId("answer").value.trim() + " is "
      + distance.toPrecision(2) + " away" + close + ". Hint: "
      + (missed ? "check " + missed + "." : question.hint);
    byId("answer").select();
  }

  function show() {
    const number = currentQuestion();
    if (number < 0) { return; }
    if (firstTry[current][number] === null) { firstTry[current][number] = false; }
    answers[current][number] = "shown";
    const feedback = byId("feedback");
    feedback.className = "";
    feedback.textContent = "It is " + steps[current].questions[number].text + ".";
    paint(true);
  }

  function score() {
    let right = 0, asked = 0;
    firstTry.forEach(function (tries) {
      tries.forEach(function (result) {
        if (result !== null) { asked += 1; right += result ? 1 : 0; }
      });
    });
    return { right: right, asked: asked };
  }

  function paintQuiz(keepFeedback) {
    const quiz = byId("quiz");
    const number = predicting ? currentQuestion() : -1;
    quiz.hidden = number < 0;
    if (!keepFeedback) { byId("feedback").textContent = ""; }
    if (number < 0) {
      // A hidden answer box keeps the focus until the browser's next rendering, and
      // the keys meant for stepping would go to it: hand the focus to Next now.
      if (scope.activeElement === byId("answer")) { byId("next").focus(); }
      return;
    }
    const question = steps[current].questions[number];
    byId("question").textContent = question.prompt;
    byId("tolerance").textContent = "Right within " + question.toleranceText
      + " · question " + (number + 1) + " of " + steps[current].questions.length;
    byId("answer").focus();
  }

  // ----- painting --------------------------------------------------------------------

  function chainOnShow() {
    const step = steps[current];
    if (selected !== null) { return null; }
    return step.chains.length ? step.chains[Math.min(focusChain, step.chains.length - 1)] : null;
  }

  // Every node and edge on a path from ``index`` to the root (all of them reach it).
  function pathsToRoot(index) {
    const reached = new Set([index]);
    const queue = [index];
    while (queue.length) {
      nodes[queue.shift()].readers.forEach(function (reader) {
        if (!reached.has(reader)) { reached.add(reader); queue.push(reader); }
      });
    }
    return reached;
  }

  function lightPath(lit, upper, lower) {
    lit.nodes.add(upper);
    lit.nodes.add(lower);
    nodes[upper].inputs.forEach(function (input, position) {
      if (input === lower) { lit.edges.push([upper, position]); }
    });
  }

  function litPaths() {
    const lit = { nodes: new Set(), edges: [] };
    if (selected !== null) {
      const reached = pathsToRoot(selected);
      reached.forEach(function (upper) {
        nodes[upper].inputs.forEach(function (input) {
          if (reached.has(input)) { lightPath(lit, upper, input); }
        });
      });
      lit.nodes.add(selected);
    }
    const chain = pending(current) ? null : chainOnShow();
    if (chain) {
      chain.paths.forEach(function (path) {
        for (let k = 0; k + 1 < path.nodes.length; k += 1) {
          lightPath(lit, path.nodes[k], path.nodes[k + 1]);
        }
        path.nodes.forEach(function (index) { lit.nodes.add(index); });
      });
    }
    return lit;
  }

  function paintGraph(step) {
    const shownThrough = revealed();
    const lit = litPaths();
    nodes.forEach(function (node, index) {
      const computed = node.appears <= shownThrough
        || (node.appears === current && !pending(current));
      const isCurrent = step.node === index;
      const groups = [nodeGroup(index), opGroup(index), outputEdge(index)];
      node.inputs.forEach(function (_, position) {
        edgeParts(index, position).forEach(function (part) { groups.push(part); });
      });
      groups.forEach(function (group) {
        setClass(group, "pending", !computed);
        setClass(group, "current", isCurrent);
        setClass(group, "on-path", false);
      });
      const value = valueLines[index];
      if (value) {
        const updated = node.updatedAt !== null && node.updatedAt <= shownThrough;
        value.element.textContent = !computed ? "?" : updated ? node.updated : value.given;
        setClass(value.element, "updated", updated);
      }
      if (gradientLines[index]) {
        gradientLines[index].style.visibility = isFinal(node) ? "visible" : "hidden";
      }
      edgeNumbers[index].forEach(function (text) {
        text.style.visibility = isFinal(node) ? "visible" : "hidden";
      });
      setClass(nodeGroup(index), "receiving", step.inputs.indexOf(index) >= 0);
      setClass(nodeGroup(index), "selected", selected === index);
    });
    lit.nodes.forEach(function (index) {
      [nodeGroup(index), opGroup(index), outputEdge(index)].forEach(function (group) {
        setClass(group, "on-path", true);
      });
    });
    lit.edges.forEach(function (pair) {
      edgeParts(pair[0], pair[1]).forEach(function (part) { setClass(part, "on-path", true); });
    });
  }

  function makeTable(table) {
    const element = document.createElement("table");
    if (table.header) {
      const head = element.createTHead().insertRow();
      table.header.forEach(function (text) { head.appendChild(make("th", text)); });
    }
    const body = element.createTBody();
    table.rows.forEach(function (row) {
      const line = body.insertRow();
      row.forEach(function (text) { line.insertCell().textContent = text; });
    });
    return element;
  }

  // The derivation is parsed as XML and shown only if every element is MathML with
  // layout attributes alone: the page inserts no markup it has not checked, whatever a
  // label holds (Python escapes labels too; this is the second lock).
  const MATHML = "http://www.w3.org/1998/Math/MathML";
  const MATH_ATTRIBUTES = ["xmlns", "display", "columnalign", "width"];
  function mathElement(source) {
    if (typeof source !== "string" || source === "") { return null; }
    const root = new DOMParser().parseFromString(source, "application/xml").documentElement;
    const elements = [root].concat(Array.from(root.getElementsByTagName("*")));
    const checked = elements.every(function (element) {
      return element.namespaceURI === MATHML && Array.from(element.attributes).every(
        function (attribute) { return MATH_ATTRIBUTES.indexOf(attribute.name) >= 0; });
    });
    return checked ? document.importNode(root, true) : null;
  }

  // A formula cannot wrap: shrink a wide one to the panel's width, but never below the
  // panel's own text size (the readable floor); past that its box scrolls sideways.
  function fitFormula(box) {
    const formula = box.querySelector("math");
    const largest = 1.25;
    formula.style.fontSize = largest + "em";
    // A block <math> is as wide as its box; what it draws is as wide as its table.
    const wide = (formula.firstElementChild || formula).getBoundingClientRect().width;
    const room = box.clientWidth;
    if (wide > room) {
      formula.style.fontSize = Math.max(1, largest * room / wide).toFixed(3) + "em";
    }
  }

  function chainSection(chain, number) {
    const section = make("section", undefined, "chain" + (number === focusChain ? " focus" : ""));
    section.tabIndex = 0;
    section.setAttribute("role", "button");
    const count = chain.paths.length;
    section.appendChild(make("h3", chain.gradient + " = " + chain.total + "  ("
      + count + (count === 1 ? " path)" : " paths)")));
    chain.paths.forEach(function (path, pathNumber) {
      const block = make("div", undefined, "path");
      block.appendChild(make("p", (count > 1 ? "path " + (pathNumber + 1) + ": " : "")
        + path.symbols));
      block.appendChild(make("p", "= " + path.numbers + " = " + path.product));
      section.appendChild(block);
    });
    chain.summary.forEach(function (line) { section.appendChild(make("p", line)); });
    if (count > 1) { section.appendChild(make("p", "sum of the paths = " + chain.total)); }
    const formula = number === focusChain ? mathElement(chain.mathml) : null;
    if (formula) {
      const slides = make("div", undefined, "slides-notation");
      slides.appendChild(make("p", "As the slides write it:", "caption"));
      slides.appendChild(formula);
      section.appendChild(slides);
    }
    function choose() { focusChain = number; selected = null; byId("details").hidden = true; paint(); }
    section.addEventListener("click", choose);
    section.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(); }
    });
    return section;
  }

  function paintPanel(step) {
    const hiding = pending(current);
    const phase = byId("phase");
    phase.className = step.phase;
    phase.textContent = { start: "start", forward: "forward pass", backward: "backward pass",
      final: "backward pass", update: "update", done: "done" }[step.phase];
    byId("tag").textContent = step.tag;
    byId("step-title").textContent = step.title;
    const arithmetic = byId("arithmetic");
    arithmetic.replaceChildren();
    const chains = byId("chains");
    chains.replaceChildren();
    const updates = byId("updates");
    updates.replaceChildren();
    if (!hiding) {
      step.lines.forEach(function (line, lineNumber) {
        arithmetic.appendChild(make("p", line,
          lineNumber === 0 && step.phase === "backward" ? "headline" : ""));
      });
      if (step.table) { arithmetic.appendChild(makeTable(step.table)); }
      const block = mathElement(step.matrixMathml);
      if (block) {
        // The block just completed, as the slides write a layer: one matrix product.
        const slides = make("div", undefined, "slides-notation");
        slides.appendChild(make("p", "The whole block as the slides write it:", "caption"));
        slides.appendChild(block);
        arithmetic.appendChild(slides);
        fitFormula(slides);
      }
      step.chains.forEach(function (chain, number) { chains.appendChild(chainSection(chain, number)); });
      chains.querySelectorAll(".slides-notation").forEach(fitFormula);
      step.updates.forEach(function (update) { updates.appendChild(make("p", update.line)); });
      if (step.matrices.length) {
        const row = make("div", undefined, "matrices");
        step.matrices.forEach(function (matrix) {
          const figure = make("figure");
          figure.appendChild(make("figcaption", matrix.title));
          figure.appendChild(makeTable({ rows: matrix.rows }));
          row.appendChild(figure);
        });
        updates.appendChild(row);
      }
    }
    const result = score();
    byId("score").hidden = !(predicting && step.phase === "done");
    byId("score").textContent = "Score: " + result.right + " of " + result.asked
      + " right at the first try.";
    byId("counter").textContent = (current + 1) + " / " + steps.length;
    byId("prev").disabled = current === 0;
    byId("next").disabled = current === steps.length - 1;
  }

  function paint(keepFeedback) {
    const step = steps[current];
    paintGraph(step);
    paintPanel(step);
    paintQuiz(keepFeedback);
    if (selected !== null) { paintDetails(selected); }
    drawOverview();
  }

  function paintDetails(index) {
    const node = nodes[index];
    byId("details").hidden = false;
    byId("details-title").textContent = node.name;
    const numbers = byId("details-numbers");
    numbers.replaceChildren();
    const computed = node.appears <= revealed();
    const rows = [
      ["value", computed ? node.data
        : "not yet computed (the forward pass reaches it at step " + (node.appears + 1) + ")"],
      ["∂" + data.root_name + "/∂" + node.name,
        node.final === null ? "none: a constant has no gradient"
          : isFinal(node) ? node.grad
            : "not final yet (final at step " + (node.final + 1) + ")"],
      ["made by", node.op === null ? "given (" + node.kind + ")" : node.op],
    ];
    if (node.updatedAt !== null && node.updatedAt <= revealed()) {
      rows.push(["after the update", node.updated]);
    }
    rows.forEach(function (row) { numbers.append(make("dt", row[0]), make("dd", row[1])); });
    byId("details-explanation").textContent =
      node.final === null || isFinal(node) ? node.explanation
        : "Its chain rule appears at step " + (node.final + 1) + ", when the gradient is final.";
  }

  // ----- moving ------------------------------------------------------------------------

  function go(index) {
    const next = Math.max(0, Math.min(steps.length - 1, index));
    if (next !== current) { focusChain = 0; }
    current = next;
    paint();
    follow();
    if (settings.onStep) { settings.onStep(current); }
  }

  function forward() {
    if (pending(current)) { byId("answer").focus(); return; }
    go(current + 1);
    if (!pending(current) && scope.activeElement === byId("answer")) { byId("next").focus(); }
  }

  function togglePredict() {
    predicting = !predicting;
    byId("predict").setAttribute("aria-pressed", String(predicting));
    paint();
    if (!predicting) { byId("next").focus(); }
  }

  function selectNode(index) {
    selected = selected === index ? null : index;
    byId("details").hidden = selected === null;
    paint();
  }

  // ----- pan, zoom, fit and the overview --------------------------------------------

  const whole = picture.viewBox.baseVal;
  const graphBox = { x: whole.x, y: whole.y, width: whole.width, height: whole.height };
  picture.removeAttribute("width");
  picture.removeAttribute("height");
  picture.setAttribute("preserveAspectRatio", "xMidYMid meet");
  const camera = { x: graphBox.x + graphBox.width / 2, y: graphBox.y + graphBox.height / 2,
    scale: 1 };
  let fitted = false;

  function areaSize() {
    return { width: graphArea.clientWidth || 1, height: graphArea.clientHeight || 1 };
  }
  function applyCamera() {
    const size = areaSize();
    const width = size.width / camera.scale, height = size.height / camera.scale;
    picture.setAttribute("viewBox", [camera.x - width / 2, camera.y - height / 2, width, height]
      .join(" "));
    drawOverview();
  }
  function fitScale() {
    const size = areaSize();
    return 0.96 * Math.min(size.width / graphBox.width, size.height / graphBox.height);
  }
  // Node text of data.readable.pixels CSS px at data.readable.height px of window (16 px
  // at 1280×720, the pictures' projector size), grown with the window's height so a
  // 1080p projector shows the same share of the graph; never under data.readable.floor
  // (14 px, the edge numbers' floor), which a phone held sideways gets. The drawing's
  // own node font is read at scale 1, so this holds for any theme.
  function nodeFontUnits() {
    const sample = nodes.map(function (_, index) { return textLine(index, 0); })
      .filter(function (text) { return text !== null; })[0];
    if (!sample) { return 14; }
    const size = parseFloat(sample.getAttribute("font-size")) || 14;
    const group = picture.querySelector("g.graph");
    const transform = group && group.transform.baseVal.consolidate();
    return size * (transform ? transform.matrix.a : 1);
  }
  const fontUnits = nodeFontUnits();
  function readableScale() {
    const readable = data.readable;
    const pixels = Math.max(readable.floor, readable.pixels * window.innerHeight / readable.height);
    return pixels / fontUnits;
  }
  // Past this the text would only grow: a tiny graph is not blown up to fill the screen.
  function largestScale() { return 2.5 * readableScale(); }

  function unitBox(element) {
    const box = element.getBoundingClientRect();
    const matrix = picture.getScreenCTM();
    return { x: (box.left - matrix.e) / matrix.a, y: (box.top - matrix.f) / matrix.d,
      width: box.width / matrix.a, height: box.height / matrix.d };
  }
  function visible() {
    const size = areaSize();
    const width = size.width / camera.scale, height = size.height / camera.scale;
    return { x: camera.x - width / 2, y: camera.y - height / 2, width: width, height: height };
  }

  function setFitted(on) {
    fitted = on;
    byId("fit").setAttribute("aria-pressed", String(on));
    if (on) {
      camera.scale = Math.min(fitScale(), largestScale());
      camera.x = graphBox.x + graphBox.width / 2;
      camera.y = graphBox.y + graphBox.height / 2;
      applyCamera();
    } else {
      camera.scale = Math.min(Math.max(fitScale(), readableScale()), largestScale());
      applyCamera();
      follow(true);
    }
  }

  function zoomBy(factor, screenX, screenY) {
    const area = graphArea.getBoundingClientRect();
    const pointX = screenX === undefined ? area.width / 2 : screenX - area.left;
    const pointY = screenY === undefined ? area.height / 2 : screenY - area.top;
    const view = visible();
    const unitX = view.x + pointX / camera.scale, unitY = view.y + pointY / camera.scale;
    camera.scale = Math.max(fitScale() / 2, Math.min(camera.scale * factor, 4 * largestScale()));
    camera.x = unitX - pointX / camera.scale + area.width / (2 * camera.scale);
    camera.y = unitY - pointY / camera.scale + area.height / (2 * camera.scale);
    fitted = false;
    byId("fit").setAttribute("aria-pressed", "false");
    applyCamera();
  }

  // Keep this step's nodes on screen: pan (never zoom) when they are out of view.
  function follow(always) {
    if (fitted) { return; }
    const step = steps[current < steps.length - 1 && steps[current].node === null
      && current === 0 ? 1 : current];
    let indexes = [];
    if (step.node !== null) { indexes = [step.node].concat(step.inputs); }
    const chain = step.chains.length ? step.chains[0] : null;
    if (chain) { chain.paths.forEach(function (path) { indexes = indexes.concat(path.nodes); }); }
    step.updates.forEach(function (update) { indexes.push(update.node); });
    const boxes = [];
    indexes.forEach(function (index) {
      [nodeGroup(index), opGroup(index)].forEach(function (group) {
        if (group) { boxes.push(unitBox(group)); }
      });
    });
    if (!boxes.length) { return; }
    const left = Math.min.apply(null, boxes.map(function (box) { return box.x; }));
    const top = Math.min.apply(null, boxes.map(function (box) { return box.y; }));
    const right = Math.max.apply(null, boxes.map(function (box) { return box.x + box.width; }));
    const bottom = Math.max.apply(null, boxes.map(function (box) { return box.y + box.height; }));
    const view = visible();
    const inside = left >= view.x && right <= view.x + view.width
      && top >= view.y && bottom <= view.y + view.height;
    if (inside && !always) { return; }
    if (right - left < view.width && bottom - top < view.height) {
      camera.x = (left + right) / 2;
      camera.y = (top + bottom) / 2;
    } else {
      const main = unitBox(nodeGroup(indexes[0]));
      camera.x = main.x + main.width / 2;
      camera.y = main.y + main.height / 2;
    }
    applyCamera();
  }

  const overview = byId("overview");
  const map = byId("overview-map");
  const mapBoxes = [];
  let mapWindow = null;
  function buildOverview() {
    map.setAttribute("viewBox", [graphBox.x, graphBox.y, graphBox.width, graphBox.height].join(" "));
    nodes.forEach(function (_, index) {
      [nodeGroup(index), opGroup(index)].forEach(function (group) {
        if (!group) { return; }
        const box = unitBox(group);
        const rect = document.createElementNS(svgNamespace, "rect");
        ["x", "y", "width", "height"].forEach(function (key) { rect.setAttribute(key, box[key]); });
        rect.setAttribute("class", "box");
        map.appendChild(rect);
        mapBoxes.push({ rect: rect, index: index });
      });
    });
    mapWindow = document.createElementNS(svgNamespace, "rect");
    mapWindow.setAttribute("class", "window");
    mapWindow.setAttribute("vector-effect", "non-scaling-stroke");
    map.appendChild(mapWindow);
  }
  function drawOverview() {
    if (!mapWindow) { return; }
    const view = visible();
    const zoomedIn = view.width < graphBox.width * 0.98 || view.height < graphBox.height * 0.98;
    overview.hidden = !zoomedIn;
    ["x", "y", "width", "height"].forEach(function (key) { mapWindow.setAttribute(key, view[key]); });
    mapBoxes.forEach(function (item) {
      item.rect.classList.toggle("lit", steps[current].node === item.index);
    });
  }
  function overviewJump(event) {
    const box = map.getBoundingClientRect();
    camera.x = graphBox.x + (event.clientX - box.left) / box.width * graphBox.width;
    camera.y = graphBox.y + (event.clientY - box.top) / box.height * graphBox.height;
    applyCamera();
  }

  // Drag to pan; two fingers pinch to zoom. A press that barely moves stays a click.
  const pointers = new Map();
  let dragged = false;
  let pinch = null;
  graphArea.addEventListener("pointerdown", function (event) {
    if (event.target.closest("button, #overview")) { return; }
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    dragged = false;
    if (pointers.size === 2) {
      const points = Array.from(pointers.values());
      pinch = Math.hypot(points[0].x - points[1].x, points[0].y - points[1].y);
    }
  });
  graphArea.addEventListener("pointermove", function (event) {
    const last = pointers.get(event.pointerId);
    if (!last) { return; }
    const moveX = event.clientX - last.x, moveY = event.clientY - last.y;
    if (!dragged && Math.hypot(moveX, moveY) < 4) { return; }
    if (!dragged) { graphArea.setPointerCapture(event.pointerId); }
    dragged = true;
    graphArea.classList.add("dragging");
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 2 && pinch) {
      const points = Array.from(pointers.values());
      const distance = Math.hypot(points[0].x - points[1].x, points[0].y - points[1].y);
      zoomBy(distance / pinch, (points[0].x + points[1].x) / 2, (points[0].y + points[1].y) / 2);
      pinch = distance;
      return;
    }
    camera.x -= moveX / camera.scale;
    camera.y -= moveY / camera.scale;
    applyCamera();
  });
  function release(event) {
    pointers.delete(event.pointerId);
    if (pointers.size < 2) { pinch = null; }
    graphArea.classList.remove("dragging");
  }
  graphArea.addEventListener("pointerup", release);
  graphArea.addEventListener("pointercancel", release);
  graphArea.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoomBy(Math.exp(-event.deltaY * (event.ctrlKey ? 0.01 : 0.002)), event.clientX, event.clientY);
  }, { passive: false });
  map.addEventListener("click", overviewJump);

  // ----- controls ------------------------------------------------------------------------

  byId("next").addEventListener("click", forward);
  byId("prev").addEventListener("click", function () { go(current - 1); });
  byId("reset").addEventListener("click", function () { go(0); });
  byId("fit").addEventListener("click", function () { setFitted(!fitted); });
  byId("predict").addEventListener("click", togglePredict);
  byId("zoom-in").addEventListener("click", function () { zoomBy(1.25); });
  byId("zoom-out").addEventListener("click", function () { zoomBy(0.8); });
  byId("quiz").addEventListener("submit", check);
  byId("reveal").addEventListener("click", show);
  const keys = settings.keys || scope;
  function onKey(event) {
    const typing = event.target.closest && event.target.closest("input, textarea");
    if (typing || event.altKey || event.ctrlKey || event.metaKey) { return; }
    const actions = {
      ArrowRight: forward, PageDown: forward,
      ArrowLeft: function () { go(current - 1); }, PageUp: function () { go(current - 1); },
      Home: function () { go(0); }, End: function () { go(steps.length - 1); },
      f: function () { setFitted(!fitted); }, F: function () { setFitted(!fitted); },
      p: togglePredict, P: togglePredict,
      "+": function () { zoomBy(1.25); }, "=": function () { zoomBy(1.25); },
      "-": function () { zoomBy(0.8); },
    };
    if (!Object.prototype.hasOwnProperty.call(actions, event.key)) { return; }
    event.preventDefault();
    // A notebook must not also take the key (an arrow would move to another cell).
    event.stopPropagation();
    actions[event.key]();
  }
  keys.addEventListener("keydown", onKey);
  nodes.forEach(function (_, index) {
    [nodeGroup(index), opGroup(index)].forEach(function (group) {
      if (group) {
        group.addEventListener("click", function () { if (!dragged) { selectNode(index); } });
      }
    });
  });
  // The graph's area changes with the window, and in a notebook with the cell too.
  let lastSize = areaSize();
  const resizing = new ResizeObserver(function () {
    const size = areaSize();
    if (size.width === lastSize.width && size.height === lastSize.height) { return; }
    lastSize = size;
    setFitted(fitted);
  });
  resizing.observe(graphArea);

  setFitted(false);
  buildOverview();
  byId("predict").setAttribute("aria-pressed", String(predicting));
  go(0);
  follow(true);
  return {
    go: go,
    step: function () { return current; },
    destroy: function () { resizing.disconnect(); keys.removeEventListener("keydown", onKey); },
  };
}
