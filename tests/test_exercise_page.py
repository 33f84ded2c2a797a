"""The page made from an exercise set: it opens in predict mode and asks only the exercises'
questions, in their words and tolerance, naming the likely mistake as ``exercise.check`` does.
"""

import pytest
from conftest import shoot

import visualize
from nn.examples import calc_graph_example, worked_example
from visualize.lecture import page_data
from visualize.view import view


@pytest.fixture
def worked_exercises():
    example = worked_example()
    asked = visualize.exercises(
        example.loss, ask=[example.q[0], example.V[0][0], example.W[0][0]],
        kinds=["forward", "gradient", "update"],
    )
    return example, asked


def asked_questions(data):
    return [question for step in data["steps"] for question in step["questions"]]


def test_only_the_exercises_questions_are_asked_in_their_words(worked_exercises):
    example, asked = worked_exercises
    data = page_data(view(example.loss, groups=example.groups, model=example.model),
                     learning_rate=0.5, exercises=asked)
    questions = asked_questions(data)
    assert sorted(q["prompt"] for q in questions) == sorted(e.question for e in asked)
    assert data["exercise"] == {"count": len(asked)}
    for question in questions:
        exercise = next(e for e in asked if e.question == question["prompt"])
        assert question["answer"] == exercise.answer
        assert question["tolerance"] == exercise.tolerance()
        assert [m["value"] for m in question["mistakes"]] == [m.value for m in exercise.mistakes()]


def test_without_exercises_every_step_asks_as_before_and_the_update_too():
    example = worked_example()
    data = page_data(view(example.loss, groups=example.groups, model=example.model),
                     learning_rate=0.5)
    questions = asked_questions(data)
    assert "exercise" not in data and all("mistakes" not in q for q in questions)
    update = [q for q in questions if q["prompt"] == "w11 after the step = ?"]
    assert len(update) == 1 and update[0]["text"] == "0.6819"


def test_exercises_about_another_graph_are_refused_by_name(worked_exercises, tmp_path):
    _, asked = worked_exercises
    other = calc_graph_example().loss
    with pytest.raises(ValueError, match=r"export_html: none of the \d+ exercises is about the graph of 'l'"):
        visualize.export_html(other, tmp_path / "page.html", exercises=asked)


def test_an_update_exercise_brings_its_learning_rate(worked_exercises, tmp_path):
    example, asked = worked_exercises
    path = visualize.export_html(example.loss, tmp_path / "page.html", groups=example.groups,
                                 model=example.model, exercises=asked)
    assert "Apply the gradients" in path.read_text(encoding="utf-8")


def test_in_the_browser_the_page_asks_checks_and_names_the_missing_path(open_page,
                                                                        worked_exercises,
                                                                        tmp_path):
    example, asked = worked_exercises
    path = visualize.export_html(example.loss, tmp_path / "exercises.html",
                                 groups=example.groups, model=example.model, exercises=asked)
    page = open_page(path, (1280, 720))
    assert page.get_attribute("#predict", "aria-pressed") == "true"
    seen = []
    while not page.is_disabled("#next"):
        if page.is_visible("#quiz"):
            prompt = page.inner_text("#question")
            seen.append(prompt)
            exercise = next(e for e in asked if e.question == prompt)
            if exercise.kind == "gradient" and exercise.node is example.V[0][0]:
                page.fill("#answer", "-0.0273")  # only the path through z1
                page.keyboard.press("Enter")
                feedback = page.inner_text("#feedback")
                assert feedback.startswith("Not yet") and "missing path" in feedback
                shoot(page, tmp_path, "exercise_missing_path")
            page.fill("#answer", exercise.rounded)
            page.keyboard.press("Enter")
            assert page.is_hidden("#quiz") or page.inner_text("#question") != prompt
        else:
            page.click("#next")
    assert sorted(seen) == sorted(e.question for e in asked)
    wrong_first = 1  # the v11 answer with one path
    assert page.inner_text("#score") == (
        f"Score: {len(asked) - wrong_first} of {len(asked)} right at the first try.")
    assert page.errors == [] and page.dialogs == []


def test_predict_mode_and_exercises_grade_one_question_alike(worked_exercises):
    from visualize.lecture import question

    example, asked = worked_exercises
    for exercise in asked:
        assert question("?", exercise.answer, exercise.decimals, "").get("tolerance") == \
            exercise.tolerance()
