"""Deterministic grid worlds as :class:`numerics.environments.mdp.FiniteMDP`, and the Four-room map of Fig. 5(b).

The paper describes Four-room in one sentence ("one goal with reward 1.0 and 4 sub-goals with reward 0.7 ...
the agent can step away then step back to receive rewards", Section 6) and a reviewer found it ambiguous
(does a sub-goal terminate? can its reward be collected again?). Our precise definition:

* Map: Sutton, Precup & Singh (1999): a 13 × 13 grid whose border is wall, an 11 × 11 interior split into four
  rooms by walls with four one-cell doorways; S = 104 free cells, one state each (row-major order).
* Actions (A = 4): up, down, left, right, deterministic; a move into a wall leaves the agent where it is.
* Rewards: r(s, a) = R(s') if the move enters a different cell s' ≠ s, else 0, with R = 1.0 at the goal, 0.7 at
  the four sub-goals (one per room) and 0 elsewhere. The reward is paid on *entering*, so an agent collects it
  again by stepping away and back, and bumping into a wall at a goal pays nothing.
* No termination: a continuing discounted MDP (the reviewer's alternative, visited-flags in the state, would
  not be an MDP on the cells). V ≤ 1/(1 − γ²): at most one reward in every two steps.
* Discount γ = 0.99 by default. This choice matters: oscillating at a sub-goal is worth 0.7/(1 − γ²), walking d
  steps to the goal and oscillating there γ^{d−1}/(1 − γ²), so the goal is optimal from every cell only if
  γ^{d_max} > 0.7 with d_max ≈ 21 cells; at γ = 0.9 the sub-goals would be *optimal* from most cells and
  the experiment would no longer test escaping them.
* Start: ρ uniform over the free cells (the default ρ of the returned MDP); Fig. 5(c) instead draws one random
  start cell per run (ρ = δ_{s₀}), as the paper says "the starting position is randomly generated".

>>> mdp, layout = four_room()
>>> mdp.n_states, mdp.n_actions, layout.goal, len(layout.subgoals)
(104, 4, (11, 11), 4)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from foundation.validation import InputError
from numerics.environments.mdp import FiniteMDP

__all__ = ["ACTIONS", "FOUR_ROOM_MAP", "GridLayout", "four_room", "grid_mdp"]

ACTIONS: tuple[tuple[str, tuple[int, int]], ...] = (
    ("up", (-1, 0)), ("down", (1, 0)), ("left", (0, -1)), ("right", (0, 1))
)
"""Action names and (row, column) moves, in action-index order."""

FOUR_ROOM_MAP = """\
#############
#     #     #
#     #     #
#           #
#     #     #
#     #     #
## ####     #
#     ### ###
#     #     #
#     #     #
#           #
#     #     #
#############"""
"""Sutton, Precup & Singh (1999): '#' wall, ' ' free; doorways at (3, 6), (6, 2), (7, 9), (10, 6)."""

FOUR_ROOM_GOAL = (11, 11)
FOUR_ROOM_SUBGOALS = ((1, 1), (1, 11), (11, 1), (8, 7))
"""One sub-goal per room: three far corners, and in the goal's room the cell next to its west doorway."""


@dataclass(frozen=True)
class GridLayout:
    """The geometry behind a grid MDP: ``walls`` (H, W) bool, ``cells`` (S, 2) the (row, column) of each state,
    ``cell_reward`` (H, W) the reward R paid on entering each cell, ``goal`` and ``subgoals`` as (row, column)."""

    walls: np.ndarray
    cells: np.ndarray
    cell_reward: np.ndarray
    goal: tuple[int, int]
    subgoals: tuple[tuple[int, int], ...]

    def state(self, row: int, column: int) -> int:
        """The state index of a free cell."""
        match = np.flatnonzero((self.cells[:, 0] == row) & (self.cells[:, 1] == column))
        if match.size == 0:
            raise InputError(f"(row, column) must be a free cell of the grid; ({row}, {column}) is a wall or outside")
        return int(match[0])


def _parse(text: str) -> np.ndarray:
    rows = text.split("\n")
    if len({len(row) for row in rows}) != 1 or set(text) - {"#", " ", "\n"}:
        raise InputError("grid map must be rectangular and hold only '#' (wall) and ' ' (free)")
    walls = np.array([[c == "#" for c in row] for row in rows])
    if not (walls[0].all() and walls[-1].all() and walls[:, 0].all() and walls[:, -1].all()):
        raise InputError("grid map must be enclosed by a wall border")
    return walls


def grid_mdp(
    text: str, rewards: dict[tuple[int, int], float], *, gamma: float
) -> tuple[FiniteMDP, np.ndarray, np.ndarray]:
    """A deterministic grid MDP from a map and entering rewards R(cell) (module docstring's rules).

    Returns the MDP (ρ uniform over free cells), the wall mask and the cells (S, 2) of the states.
    """
    walls = _parse(text)
    cells = np.argwhere(~walls)
    index = -np.ones(walls.shape, dtype=int)
    index[cells[:, 0], cells[:, 1]] = np.arange(len(cells))
    entering = np.zeros(walls.shape)
    for (row, column), reward in rewards.items():
        if not (0 <= row < walls.shape[0] and 0 <= column < walls.shape[1]) or walls[row, column]:
            raise InputError(f"rewards must be placed on free cells; ({row}, {column}) is a wall or outside")
        entering[row, column] = reward
    S, A = len(cells), len(ACTIONS)
    P, r = np.zeros((S, A, S)), np.zeros((S, A))
    for s, (row, column) in enumerate(cells):
        for a, (_, (dr, dc)) in enumerate(ACTIONS):
            target = (row + dr, column + dc)
            moved = not walls[target]
            P[s, a, index[target] if moved else s] = 1.0
            r[s, a] = entering[target] if moved else 0.0
    mdp = FiniteMDP(P=P, r=r, gamma=gamma, rho=np.full(S, 1.0 / S))
    return mdp, walls, cells


def four_room(
    *, gamma: float = 0.99, goal_reward: float = 1.0, subgoal_reward: float = 0.7
) -> tuple[FiniteMDP, GridLayout]:
    """Four-room of Fig. 5(b) as defined in the module docstring: (MDP with ρ uniform, layout)."""
    rewards = {cell: subgoal_reward for cell in FOUR_ROOM_SUBGOALS} | {FOUR_ROOM_GOAL: goal_reward}
    mdp, walls, cells = grid_mdp(FOUR_ROOM_MAP, rewards, gamma=gamma)
    cell_reward = np.zeros(walls.shape)
    for (row, column), reward in rewards.items():
        cell_reward[row, column] = reward
    layout = GridLayout(
        walls=walls, cells=cells, cell_reward=cell_reward, goal=FOUR_ROOM_GOAL, subgoals=FOUR_ROOM_SUBGOALS
    )
    return mdp, layout
