"""The probability-of-improvement rule and the Markdown table."""

from numerics.analysis.summary import compare, markdown_table


def test_compare_calls_a_difference_only_when_the_improvement_interval_excludes_one_half():
    lower_a = compare("A", [1.0] * 4, "B", [2.0] * 4, quantity="q")
    assert lower_a.lower == "A" and str(lower_a).startswith("A has the lower q")
    lower_b = compare("A", [3.0, 3.1, 3.2, 3.3], "B", [1.0, 1.1, 1.2, 1.3], quantity="q")
    assert lower_b.lower == "B" and lower_b.text.startswith("B has the lower q")
    unclear = compare("A", [1.0, 3.0, 1.5, 2.5], "B", [2.0, 2.2, 2.1, 1.9], quantity="q")
    assert unclear.lower is None and unclear.text.startswith("no clear difference")
    # one outlying run in eight does not decide it (P(A < B) = 7/8); the mean would be pulled past B's by it
    a, b = [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 20.0], [2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7]
    assert sum(a) / 8 > sum(b) / 8
    assert compare("A", a, "B", b, quantity="q").lower == "A"


def test_compare_refuses_to_call_a_difference_from_too_few_runs():
    few = compare("A", [1.0, 1.0, 1.0], "B", [2.0, 2.0, 2.0], quantity="q")
    text = few.text
    assert few.lower is None and text.startswith("too few runs (< 4 per method)") and "3 vs 3 runs" in text


def test_markdown_table():
    assert markdown_table(["a", "b"], [[1, 0.123456]]) == "| a | b |\n|---|---|\n| 1 | 0.123 |"
