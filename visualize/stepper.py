"""``stepper``: the page's stepper, live in a notebook cell.

``visualize.stepper(root, ...)`` shows what ``export_html`` writes to a file (the
graph, the forward, backward and update steps, the chain-rule panel, predict
mode) as a widget in the cell's output, built with ``anywidget`` (the optional
extra ``pip install 'tracegrad[notebook]'``; it runs in JupyterLab, Notebook 7,
VS Code and Colab). It reuses the page's own files: ``visualize/page/page.css``
and ``page.js``, whose ``mountStepper`` mounts the page's markup into the
widget's shadow root, with ``widget.js`` as the module anywidget loads.

The current step is shared with Python, counted from 1 as the page's counter
shows it: ``widget.step`` reads it, ``widget.step = 12`` moves the stepper there,
so a teacher can drive it from code. ``widget.update(new_root)`` shows another
graph in the same cell.

Without ``anywidget`` the result is a ``StaticStepper``: the same page, whole,
in an iframe, and a line saying how to get the live one.
"""

import functools
import html

from visualize.html import page_body, page_file, page_parts, page_text

INSTALL = "pip install 'tracegrad[notebook]'"
# The iframe of the static page is as tall as the widget (page.css, :host).
FRAME_HEIGHT = "40rem"


def stepper(root, *, step=1, title=None, digits=4, rankdir="LR", groups=None, model=None,
            max_nodes=1000, size=None, learning_rate=None, exercises=None):
    """The stepper of ``root`` 's graph in a notebook cell, opened at ``step`` (from 1).

    The options are ``export_html`` 's. Runs the backward pass, as the page does.
    Returns a live ``anywidget`` widget, or a ``StaticStepper`` without anywidget.
    """
    page = stepper_page(root, title=title, digits=digits, rankdir=rankdir, groups=groups,
                        model=model, max_nodes=max_nodes, size=size,
                        learning_rate=learning_rate, exercises=exercises)
    try:
        widget_class = stepper_widget_class()
    except ImportError as error:
        if error.name not in ("anywidget", "traitlets"):
            raise
        return StaticStepper(page)
    return widget_class(page, step)


def stepper_page(root, **options):
    """{markup, style, data, title}: everything the widget shows for ``root`` (see ``stepper``)."""
    title, svg, data = page_parts(root, "stepper", **options)
    return {"markup": page_body(title, svg), "style": page_file("page.css"), "data": data,
            "title": title}


class StaticStepper:
    """The stepper's page in an iframe: what ``stepper`` shows when anywidget is missing."""

    def __init__(self, page):
        self.title = page["title"]
        self.step_count = len(page["data"]["steps"])
        self.text = page_text(self.title, _svg_of(page["markup"]), page["data"])

    def _repr_html_(self):
        frame = (f'<iframe srcdoc="{html.escape(self.text, quote=True)}" '
                 f'title="{html.escape(self.title, quote=True)}" sandbox="allow-scripts" '
                 f'style="width:100%;height:{FRAME_HEIGHT};border:1px solid #ccc"></iframe>')
        note = ("<p>The static page: its buttons work, but Python cannot drive it. For the "
                f"live stepper (<code>widget.step = 12</code>), <code>{html.escape(INSTALL)}</code>"
                " and restart the kernel.</p>")
        return frame + note

    def __repr__(self):
        return (f"<static stepper: {self.title}, {self.step_count} steps; "
                f"{INSTALL} for the live widget>")


def _svg_of(markup):
    return markup[markup.index("<svg"):markup.index("</svg>") + len("</svg>")]


@functools.cache
def stepper_widget_class():
    """The widget class, made on first use: importing visualize never needs anywidget."""
    import anywidget
    import traitlets

    class Stepper(anywidget.AnyWidget):
        """The page's stepper in a notebook cell; ``step`` (from 1) is shared with Python."""

        _esm = page_file("page.js") + "\n" + page_file("widget.js")
        page = traitlets.Dict().tag(sync=True)
        step = traitlets.Int(1).tag(sync=True)

        def __init__(self, page, step=1):
            super().__init__()
            self.page = page
            self.step = step

        @property
        def step_count(self):
            return len(self.page["data"]["steps"])

        @property
        def title(self):
            return self.page["title"]

        @traitlets.validate("step")
        def _step_on_the_page(self, proposal):
            value = proposal["value"]
            if not 1 <= value <= self.step_count:
                raise traitlets.TraitError(
                    f"stepper: step must be from 1 to {self.step_count} (the steps of "
                    f"{self.title!r}), got {value}")
            return value

        def update(self, root, **options):
            """Show ``root`` 's graph instead (``stepper`` 's options), from its first step."""
            page = stepper_page(root, **options)
            self.step = 1
            self.page = page

        def __repr__(self):
            return f"<stepper: {self.title}, step {self.step} of {self.step_count}>"

    Stepper.__module__ = __name__
    return Stepper
