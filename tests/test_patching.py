"""pipelines.shared.patching: an attribute replaced for a block and restored, also after an error."""

from __future__ import annotations

import types

import pytest

from pipelines.shared.patching import replaced


def test_the_attribute_is_replaced_inside_the_block_and_restored_after_it_even_on_error():
    owner = types.SimpleNamespace(draw="original")
    with replaced(owner, "draw", "replacement"):
        assert owner.draw == "replacement"
    assert owner.draw == "original"
    with pytest.raises(RuntimeError), replaced(owner, "draw", "replacement"):
        raise RuntimeError("the block failed")
    assert owner.draw == "original"
