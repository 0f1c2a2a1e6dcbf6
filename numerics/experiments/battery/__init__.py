"""The transform battery: for any transform θ ↦ π, everything the paper did for softmax and escort.

1. :mod:`~numerics.experiments.battery.symbolic`: exact checks (symmetric Jacobian ⇒ mirror-descent potential possible;
   non-concavity witnesses); 2. :mod:`~numerics.experiments.battery.nl_coefficient`: NŁ coefficients near the vertices and
   their fitted exponents against the paper's; 3. :mod:`~numerics.experiments.battery.dynamics`: gravity-well and damping
   experiments; 4. :mod:`~numerics.experiments.battery.report`: data, figures and ``docs/transforms.md``.
"""

from numerics.experiments.battery.report import run_battery

__all__ = ["run_battery"]
