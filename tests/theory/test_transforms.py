"""Tests of theory.transforms: names, module registration, and the piecewise entmax against its definition."""

from __future__ import annotations

import textwrap

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.validation import InputError
from theory import definitions as d
from theory.transforms import Transform, check_transform, entmax_support, transform


@pytest.mark.parametrize(
    ("name", "canonical", "parameter"),
    [("softmax", "softmax", 1.0), ("softmax:0.5", "softmax:0.5", 0.5), ("escort", "escort:2", 2.0),
     ("escort:3", "escort:3", 3.0), ("entmax:1.5", "entmax:1.5", 1.5), ("sparsemax", "sparsemax", 2.0),
     ("entmax:2", "sparsemax", 2.0), ("taylor", "taylor", None), ("spherical", "spherical", None),
     ("hadamard", "hadamard", None), ("escort:1000", "escort:1000", 1000.0)],
)
def test_names_resolve_to_their_parameters(name: str, canonical: str, parameter: float | None) -> None:
    t = transform(name)
    assert (t.name, t.parameter) == (canonical, parameter)


@pytest.mark.parametrize(
    ("name", "message"),
    [("softmx", "did you mean 'softmax'"), ("escort:0.5", ">= 1"), ("softmax:0", "> 0"),
     ("entmax:1.7", "1.5 or 2"), ("taylor:2", "takes no parameter"), ("escort:abc", "must be a number"),
     ("pkg.mod", "package.module:attribute"), ("a.b:c:d", "package.module:attribute"), ("", "non-empty"),
     ("no_such_module_xyz:f", "cannot be imported"), ("softmx:0.5", "did you mean 'softmax'"),
     ("sofmax_typo:f", "cannot be imported"), ("escort:1e6", "at most 1000"), ("entmax:1", "> 1"),
     ("entmax:nan", "finite"), ("entmax:1.3", "takes any alpha > 1"), ("numpy:sum", "must return a column")],
)
def test_bad_names_raise_input_error(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        transform(name)


def test_a_transform_registers_from_a_module_path(tmp_path, monkeypatch) -> None:
    (tmp_path / "my_transforms.py").write_text(textwrap.dedent("""
        import sympy as sp
        from theory.transforms import Transform

        def cubic(theta):
            weights = theta.applyfunc(lambda t: sp.Abs(t) ** 3)
            return weights / sum(weights)

        CUBIC = Transform(name="cubic", formula="|θ|³/Σ|θ|³", symbolic=lambda theta, at: cubic(theta))
        NOT_A_MAP = 3
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    from_function = transform("my_transforms:cubic")
    from_object = transform("my_transforms:CUBIC")
    theta = sp.Matrix([1, -2])
    expected = [sp.Rational(1, 9), sp.Rational(8, 9)]
    assert list(from_function.expression(theta)) == list(from_object.expression(theta)) == expected
    assert from_object.name == "cubic" and from_function.name == "my_transforms:cubic"
    with pytest.raises(InputError, match="has no attribute"):
        transform("my_transforms:missing")
    with pytest.raises(InputError, match="must be a Transform or a function"):
        transform("my_transforms:NOT_A_MAP")


def test_spherical_is_the_escort_with_p_2() -> None:
    theta = d.parameters(3)
    difference = transform("spherical").expression(theta) - transform("escort:2").expression(theta)
    assert difference.applyfunc(sp.simplify) == sp.zeros(3, 1)
    assert transform("spherical").expression(theta) != transform("escort:3").expression(theta).applyfunc(sp.simplify)


def test_softmax_temperature_rescales_the_logits() -> None:
    theta = d.parameters(3)
    assert transform("softmax:0.5").expression(theta) == d.softmax(2 * theta)


def _bisection_entmax(values: list[sp.Rational], alpha: float) -> list[mpmath.mpf]:
    """α-entmax from its definition: τ with Σ [(α−1)θ − τ]_+^{1/(α−1)} = 1, found by bisection at 50 digits."""
    with mpmath.workdps(50):
        x = [(mpmath.mpf(alpha) - 1) * mpmath.mpf(v.p) / v.q for v in values]
        power = 1 / (mpmath.mpf(alpha) - 1)
        low, high = max(x) - 1, max(x)
        for _ in range(130):
            tau = (low + high) / 2
            total = sum(max(xi - tau, 0) ** power for xi in x)
            low, high = (tau, high) if total > 1 else (low, tau)
        return [max(xi - tau, 0) ** power for xi in x]


rationals = st.fractions(min_value=-3, max_value=3, max_denominator=20).map(
    lambda f: sp.Rational(f.numerator, f.denominator)
)


@settings(max_examples=30)
@given(st.lists(rationals, min_size=2, max_size=5), st.sampled_from([1.5, 2.0]))
def test_entmax_pieces_match_the_bisection_definition(values: list[sp.Rational], alpha: float) -> None:
    t = transform(f"entmax:{alpha}")
    exact = t.expression(sp.Matrix(values), at=values)
    reference = _bisection_entmax(values, alpha)
    values_exact = [sp.N(v, 40) for v in exact]
    assert abs(sum(values_exact) - 1) < 1e-30
    for got, want in zip(values_exact, reference):
        assert abs(float(got) - float(want)) < 1e-12


def test_entmax_support_is_decided_exactly_and_a_wrong_support_is_not_a_distribution() -> None:
    values = [sp.Integer(3), sp.Integer(1), sp.Integer(0)]
    assert entmax_support(values, sp.Integer(2)) == [0]
    theta = sp.Matrix(values)
    wrong = transform("sparsemax").expression(theta, at=[sp.Integer(1), sp.Integer(1), sp.Integer(1)])
    assert any(v < 0 for v in wrong), "the full-support closed form evaluated off its piece leaves the simplex"


def test_a_piecewise_transform_without_a_point_uses_theta_itself() -> None:
    t = transform("sparsemax")
    theta = sp.Matrix([sp.Rational(1, 2), 0, 2])
    assert t.expression(theta) == t.expression(theta, at=list(theta))
    assert isinstance(t, Transform) and t.piecewise and t.sparse


def test_a_piecewise_transform_needs_an_exact_point_for_symbolic_input() -> None:
    with pytest.raises(InputError, match="exact point"):
        transform("entmax:1.5").expression(d.parameters(3))


def test_a_module_in_the_current_folder_is_found(tmp_path, monkeypatch) -> None:
    """The ``escort`` console script does not put the current folder on sys.path; the transform lookup does."""
    (tmp_path / "folder_transforms.py").write_text("def squares(theta):\n    w = theta.applyfunc(lambda t: t**2)\n"
                                                   "    return w / sum(w)\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.path", [p for p in __import__("sys").path if p not in ("", str(tmp_path))])
    assert transform("folder_transforms:squares").expression(sp.Matrix([1, 2]))[1] == sp.Rational(4, 5)


@pytest.mark.parametrize(("value", "message"), [
    (lambda theta: theta[0], "must return a column"),
    (lambda theta: 1 / 0, "raised ZeroDivisionError"),
    (lambda theta: sp.Matrix([1, 2]), "got shape"),
])
def test_a_map_that_breaks_the_contract_names_it(value, message: str) -> None:
    t = Transform(name="broken", formula="", symbolic=lambda theta, at: value(theta))
    with pytest.raises(InputError, match=message):
        check_transform(t)


def test_check_transform_rejects_what_is_not_a_transform() -> None:
    with pytest.raises(InputError, match="must be a theory.transforms.Transform"):
        check_transform(sum)
