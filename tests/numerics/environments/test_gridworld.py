"""numerics.environments.gridworld: the Four-room MDP follows its documented rules (map, moves, entering rewards, γ choice)."""

from __future__ import annotations

import numpy as np
import pytest

from foundation.validation import InputError
from numerics.environments.gridworld import ACTIONS, FOUR_ROOM_MAP, four_room, grid_mdp
from numerics.environments.mdp import evaluate, optimal_actions, optimal_values


def test_four_room_has_104_cells_four_doorways_and_deterministic_moves() -> None:
    mdp, layout = four_room()
    assert (mdp.n_states, mdp.n_actions) == (104, len(ACTIONS))
    assert np.all(mdp.P.max(axis=-1) == 1.0)
    doorways = [(3, 6), (6, 2), (7, 9), (10, 6)]
    assert all(not layout.walls[cell] for cell in doorways)
    np.testing.assert_array_equal(mdp.rho, np.full(104, 1 / 104))


def test_rewards_are_paid_on_entering_and_bumping_into_a_wall_stays_put() -> None:
    mdp, layout = four_room()
    goal = layout.state(*layout.goal)
    above, left = layout.state(10, 11), layout.state(11, 10)
    down, right, up = 1, 3, 0
    assert mdp.r[above, down] == 1.0 and mdp.r[left, right] == 1.0
    assert mdp.P[goal, down, goal] == 1.0 and mdp.r[goal, down] == 0.0
    assert mdp.P[goal, up, above] == 1.0 and mdp.r[goal, up] == 0.0
    subgoal = layout.state(1, 1)
    assert mdp.r[layout.state(2, 1), up] == 0.7 and mdp.r[subgoal, up] == 0.0


def test_the_goal_is_optimal_from_every_cell_at_the_default_discount_but_not_at_0_9() -> None:
    """The documented reason for γ = 0.99: no optimal action leads into a sub-goal oscillation."""
    for gamma, goal_everywhere in ((0.99, True), (0.9, False)):
        mdp, layout = four_room(gamma=gamma)
        greedy = np.eye(4)[np.argmax(optimal_actions(mdp), axis=-1)]
        state = layout.state(1, 1)
        for _ in range(60):  # follow the greedy optimal policy from the far sub-goal corner
            state = int(np.argmax(greedy[state] @ mdp.P[state]))
        visited_goal_area = tuple(layout.cells[state]) in {layout.goal, (10, 11), (11, 10)}
        assert visited_goal_area == goal_everywhere


def test_optimal_value_at_the_goal_is_the_oscillation_value() -> None:
    """At the goal, step away and back: rewards 0, 1, 0, 1, ... worth γ/(1 − γ²)."""
    mdp, layout = four_room()
    assert optimal_values(mdp)[layout.state(*layout.goal)] == pytest.approx(0.99 / (1 - 0.99**2), rel=1e-12)
    uniform = evaluate(mdp, np.full((104, 4), 0.25))[0]
    assert np.all(uniform < optimal_values(mdp))


def test_bad_maps_and_rewards_are_rejected() -> None:
    with pytest.raises(InputError, match="free cells"):
        grid_mdp(FOUR_ROOM_MAP, {(0, 0): 1.0}, gamma=0.9)
    with pytest.raises(InputError, match="wall border"):
        grid_mdp("#  #\n####", {}, gamma=0.9)
    with pytest.raises(InputError, match="free cell"):
        four_room()[1].state(0, 0)
