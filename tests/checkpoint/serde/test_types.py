"""stategraph.checkpoint.serde.types: the channel and Send protocols, special channel names."""

from __future__ import annotations

from stategraph import constants
from stategraph.channels import LastValue
from stategraph.checkpoint.serde import types
from stategraph.types import Send


def test_send_matches_send_protocol_and_other_objects_do_not() -> None:
    assert isinstance(Send("node", {"x": 1}), types.SendProtocol)
    assert not isinstance(("node", {"x": 1}), types.SendProtocol)


def test_channels_have_every_channel_protocol_member() -> None:
    members = {
        "ValueType",
        "UpdateType",
        "checkpoint",
        "from_checkpoint",
        "update",
        "get",
        "consume",
    }
    channel = LastValue(int)
    assert all(hasattr(channel, name) for name in members)
    assert members <= set(vars(types.ChannelProtocol))


def test_special_names_are_the_constants() -> None:
    assert (types.ERROR, types.INTERRUPT, types.RESUME, types.SCHEDULED, types.TASKS) == (
        constants.ERROR,
        constants.INTERRUPT,
        constants.RESUME,
        constants.SCHEDULED,
        constants.TASKS,
    )
    assert types.INTERRUPT == "__interrupt__" and types.TASKS == "__pregel_tasks"
