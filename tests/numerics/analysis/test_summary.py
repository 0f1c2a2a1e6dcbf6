"""The two-standard-error rule and the Markdown table."""

from numerics.analysis.summary import compare, markdown_table


def test_compare_calls_a_difference_only_beyond_two_standard_errors():
    assert compare("A", [1.0, 1.0], "B", [2.0, 2.0], quantity="q").startswith("A has the lower q")
    assert compare("A", [3.0, 3.1], "B", [1.0, 1.1], quantity="q").startswith("B has the lower q")
    assert compare("A", [1.0, 3.0], "B", [2.0, 2.2], quantity="q").startswith("no clear difference")


def test_markdown_table():
    assert markdown_table(["a", "b"], [[1, 0.123456]]) == "| a | b |\n|---|---|\n| 1 | 0.123 |"
