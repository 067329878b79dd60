"""create_react_agent: loop, prompt forms, v1/v2, hooks, structured output, interrupts, limits."""

from __future__ import annotations

from typing import Annotated, Any

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.constants import END
from stategraph.graph.message import MessagesState
from stategraph.messages import SystemMessage
from stategraph.prebuilt import InjectedState, create_react_agent
from stategraph.prebuilt.chat_agent_executor import AgentState
from stategraph.testing import FakeChatModel, ai, call
from stategraph.types import Command

pydantic = pytest.importorskip("pydantic")


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def two_turns() -> FakeChatModel:
    return FakeChatModel(
        [
            ai("", call("add", {"a": 1, "b": 2}, "c1"), call("add", {"a": 3, "b": 4}, "c2")),
            "3 and 7",
        ]
    )


def contents(out: dict[str, Any]) -> list[Any]:
    return [m.content for m in out["messages"]]


def test_loop_runs_tools_until_the_model_answers(driver) -> None:
    model = two_turns()
    out = driver.run(create_react_agent(model, [add]), {"messages": [("user", "sums")]})
    assert contents(out) == ["sums", "", "3", "7", "3 and 7"]
    assert model.calls[1][-1].content == "7"  # the second call saw the tool answers
    assert model.bind_tools([add]).bound_tools[0]["function"]["name"] == "add"


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_v1_runs_one_tools_task_v2_one_per_call(version: str, driver) -> None:
    chunks = driver.stream(
        create_react_agent(two_turns(), [add], version=version),
        {"messages": [("user", "x")]},
        stream_mode="updates",
    )
    tool_updates = [c["tools"] for c in chunks if "tools" in c]
    assert len(tool_updates) == (1 if version == "v1" else 2)


@pytest.mark.parametrize(
    "prompt",
    [
        "Be brief.",
        SystemMessage("Be brief."),
        lambda state: [SystemMessage("Be brief."), *state["messages"]],
    ],
)
def test_prompt_forms_put_a_system_message_first(prompt: Any) -> None:
    model = FakeChatModel(["ok"])
    create_react_agent(model, [], prompt=prompt).invoke({"messages": [("user", "hi")]})
    assert [(m.type, m.content) for m in model.calls[0]] == [
        ("system", "Be brief."),
        ("human", "hi"),
    ]


def test_name_marks_the_agent_messages() -> None:
    out = create_react_agent(FakeChatModel(["hello"]), [], name="greeter").invoke(
        {"messages": [("user", "hi")]}
    )
    assert out["messages"][-1].name == "greeter"


def test_response_format_adds_a_structured_response(driver) -> None:
    class Weather(pydantic.BaseModel):
        city: str
        sunny: bool

    model = FakeChatModel(
        ["It is sunny in Oslo.", ai("", call("Weather", {"city": "Oslo", "sunny": True}, "w"))]
    )
    agent = create_react_agent(model, [add], response_format=("Extract the weather.", Weather))
    out = driver.run(agent, {"messages": [("user", "weather?")]})
    assert out["structured_response"] == Weather(city="Oslo", sunny=True)
    assert model.calls[1][0].content == "Extract the weather."
    scripted = FakeChatModel(["done"], structured=[{"city": "Rome", "sunny": False}])
    out = driver.run(
        create_react_agent(scripted, [], response_format=Weather), {"messages": [("user", "x")]}
    )
    assert out["structured_response"].city == "Rome"


def test_response_format_needs_the_key_in_a_custom_state() -> None:
    with pytest.raises(ValueError, match="structured_response"):
        create_react_agent(FakeChatModel([]), [], response_format=dict, state_schema=AgentState)


def test_pre_model_hook_can_trim_what_the_model_sees(driver) -> None:
    model = FakeChatModel(["short answer"])

    def keep_last(state: dict) -> dict:
        return {"llm_input_messages": state["messages"][-1:]}

    out = driver.run(
        create_react_agent(model, [add], pre_model_hook=keep_last),
        {"messages": [("user", "old"), ("user", "new")]},
    )
    assert [m.content for m in model.calls[0]] == ["new"]
    assert contents(out) == ["old", "new", "short answer"] and "llm_input_messages" not in out


def test_post_model_hook_runs_after_each_model_call(driver) -> None:
    seen = []

    def audit(state: dict) -> None:
        seen.append(state["messages"][-1].content)

    out = driver.run(
        create_react_agent(two_turns(), [add], post_model_hook=audit), {"messages": [("user", "x")]}
    )
    assert seen == ["", "3 and 7"] and contents(out)[-1] == "3 and 7"


def test_interrupt_before_tools_then_resume(driver) -> None:
    agent = create_react_agent(
        two_turns(), [add], checkpointer=InMemorySaver(), interrupt_before=["tools"]
    )
    config = {"configurable": {"thread_id": "t"}}
    driver.run(agent, {"messages": [("user", "x")]}, config)
    assert driver.get_state(agent, config).next == ("tools", "tools")  # v2: one task per call
    out = driver.run(agent, None, config)
    assert contents(out)[-1] == "3 and 7"


def test_runs_out_of_steps_politely() -> None:
    model = FakeChatModel([ai("", call("add", {"a": 1, "b": 1}, f"c{i}")) for i in range(10)])
    out = create_react_agent(model, [add]).invoke(
        {"messages": [("user", "loop")]}, {"recursion_limit": 4}
    )
    assert out["messages"][-1].content == "Sorry, need more steps to process this request."


def test_return_direct_tools_end_the_run() -> None:
    lc_tools = pytest.importorskip("langchain_core.tools")

    @lc_tools.tool(return_direct=True)
    def final(x: int) -> str:
        """Answer directly."""
        return f"final {x}"

    model = FakeChatModel([ai("", call("final", {"x": 1}, "c"))])
    out = create_react_agent(model, [final]).invoke({"messages": [("user", "x")]})
    assert out["messages"][-1].content == "final 1" and len(model.calls) == 1


def test_dynamic_model_is_chosen_per_call(driver) -> None:
    small, big = FakeChatModel(["small"]), FakeChatModel(["big"])

    def choose(state: dict, runtime: Any) -> Any:
        return big if len(state["messages"]) > 1 else small

    agent = create_react_agent(choose, [add])
    assert contents(driver.run(agent, {"messages": [("user", "a")]}))[-1] == "small"
    assert contents(driver.run(agent, {"messages": [("user", "a"), ("user", "b")]}))[-1] == "big"


def test_a_model_string_uses_init_chat_model() -> None:
    agent = create_react_agent("ollama:llama3.1", [add])
    model = agent.nodes["agent"].bound.func.model
    assert (model.model_name, model.base_url) == ("llama3.1", "http://localhost:11434/v1")
    assert model.bound_tools[0]["function"]["name"] == "add"


def test_human_review_edit_through_interrupt(driver) -> None:
    from stategraph.prebuilt.interrupt import add_human_in_the_loop

    agent = create_react_agent(
        FakeChatModel([ai("", call("add", {"a": 1, "b": 1}, "c")), "done"]),
        [add_human_in_the_loop(add)],
        checkpointer=InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "r"}}
    paused = driver.run(agent, {"messages": [("user", "x")]}, config)
    assert paused["__interrupt__"][0].value[0]["action_request"] == {
        "action": "add",
        "args": {"a": 1, "b": 1},
    }
    out = driver.run(
        agent, Command(resume=[{"type": "edit", "args": {"args": {"a": 5, "b": 5}}}]), config
    )
    assert contents(out)[-2:] == ["10", "done"]


def test_custom_state_schema_keeps_extra_keys() -> None:
    class State(AgentState):
        user: str

    def greet(state: dict) -> list:
        return [SystemMessage(f"User is {state['user']}"), *state["messages"]]

    model = FakeChatModel(["hi"])
    out = create_react_agent(model, [], prompt=greet, state_schema=State).invoke(
        {"messages": "x", "user": "ann"}
    )
    assert out["user"] == "ann" and model.calls[0][0].content == "User is ann"


def test_bad_version_and_unknown_arguments_fail() -> None:
    with pytest.raises(ValueError, match="version"):
        create_react_agent(FakeChatModel([]), [], version="v3")
    with pytest.raises(TypeError, match="unexpected keyword arguments"):
        create_react_agent(FakeChatModel([]), [], bogus=1)
    with pytest.raises(TypeError, match="state_modifier"):
        create_react_agent(FakeChatModel([]), [], state_modifier="old name of prompt")


def test_a_custom_state_schema_needs_the_agent_keys() -> None:
    class Chat(MessagesState):
        user: str

    with pytest.raises(ValueError, match="remaining_steps"):
        create_react_agent(FakeChatModel([]), [add], state_schema=Chat)


def test_config_schema_is_the_old_name_of_context_schema() -> None:
    class Ctx(pydantic.BaseModel):
        user: str

    agent = create_react_agent(FakeChatModel(["ok"]), [], config_schema=Ctx)
    assert agent.builder.context_schema is Ctx


def test_langchain_tools_are_bound_as_the_tool_objects() -> None:
    lc_tools = pytest.importorskip("langchain_core.tools")
    from stategraph.testing.langchain_models import FakeToolCallingChatModel

    @lc_tools.tool
    def mul(a: int, b: int) -> int:
        """Multiply."""
        return a * b

    model = FakeToolCallingChatModel(["ok"])
    create_react_agent(model, [mul, add])
    offered = model.bound[0][0]
    assert offered[0] is mul and offered[1]["function"]["name"] == "add"


def test_a_model_bound_to_other_tools_is_refused() -> None:
    with pytest.raises(ValueError, match="bound to 2 tools"):
        create_react_agent(FakeChatModel(["x"]).bind_tools([add, add]), [add])

    def sub(a: int, b: int) -> int:
        """Subtract."""
        return a - b

    other = FakeChatModel(["x"]).bind_tools([sub])
    with pytest.raises(ValueError, match="not bound"):
        create_react_agent(other, [add])
    create_react_agent(FakeChatModel(["x"]).bind_tools([add]), [add])  # the same tools: used as is


def test_out_of_steps_after_a_tool_turn_ends_the_run(driver) -> None:
    model = FakeChatModel([ai("", call("add", {"a": 1, "b": 1}, "c0"), id="same")], cycle=True)
    out = driver.run(
        create_react_agent(model, [add]), {"messages": [("user", "loop")]}, {"recursion_limit": 4}
    )
    # the polite reply replaces the calling message in place, so the tool answer stays last
    assert [(m.type, m.content) for m in out["messages"][1:]] == [
        ("ai", "Sorry, need more steps to process this request."),
        ("tool", "2"),
    ]


def test_the_agent_name_replaces_the_reply_name() -> None:
    out = create_react_agent(FakeChatModel([ai("hi", name="model")]), []).invoke(
        {"messages": [("user", "x")]}
    )
    assert out["messages"][-1].name is None


def test_without_tools_the_agent_ends_by_plain_edges() -> None:
    edges = create_react_agent(FakeChatModel(["x"]), []).get_graph().edges
    assert [(e.source, e.target, e.conditional) for e in edges if e.source == "agent"] == [
        ("agent", END, False)
    ]
    schema = create_react_agent(FakeChatModel(["x"]), [add]).get_input_jsonschema()
    assert sorted(schema["properties"]) == ["messages", "remaining_steps"]


def test_history_with_an_unanswered_call_is_refused(driver) -> None:
    history = [("user", "x"), ai("", call("add", {"a": 1, "b": 1}, "c"))]
    with pytest.raises(ValueError, match="INVALID_CHAT_HISTORY"):
        driver.run(create_react_agent(FakeChatModel(["x"]), [add]), {"messages": history})


def test_an_async_model_function_needs_the_async_surface() -> None:
    async def choose(state: dict, runtime: Any) -> Any:
        return FakeChatModel(["x"])

    with pytest.raises(RuntimeError, match="ainvoke"):
        create_react_agent(choose, [add]).invoke({"messages": [("user", "x")]})


def test_pydantic_agent_states_and_the_old_name(driver) -> None:
    from stategraph.prebuilt.chat_agent_executor import (
        AgentStatePydantic,
        AgentStateWithStructuredResponsePydantic,
        create_tool_calling_executor,
    )

    class State(AgentStatePydantic):
        user: str = "ann"

    assert create_tool_calling_executor is create_react_agent
    assert "structured_response" in AgentStateWithStructuredResponsePydantic.model_fields
    # v1: the tools run as one pull task (a v2 Send to a pydantic-state node is coerced by the engine)
    agent = create_react_agent(two_turns(), [add], state_schema=State, version="v1")
    assert contents(driver.run(agent, {"messages": [("user", "sums")]})) == [
        "sums",
        "",
        "3",
        "7",
        "3 and 7",
    ]


def test_langchain_tools_with_injected_arguments_are_bound_as_specs() -> None:
    lc_tools = pytest.importorskip("langchain_core.tools")
    from stategraph.testing.langchain_models import FakeToolCallingChatModel

    @lc_tools.tool
    def peek(q: str, state: Annotated[dict, InjectedState]) -> str:
        """Peek at the state."""
        return q

    model = FakeToolCallingChatModel(["ok"])
    create_react_agent(model, [peek])
    [spec] = model.bound[0][0]
    assert sorted(spec["function"]["parameters"]["properties"]) == ["q"]  # 'state' stays hidden


def test_an_async_prompt_function_runs_on_the_async_surface() -> None:
    import asyncio

    async def prompt(state: dict) -> list:
        return [SystemMessage("from async"), *state["messages"]]

    model = FakeChatModel(["ok"])
    agent = create_react_agent(model, [], prompt=prompt)
    out = asyncio.run(agent.ainvoke({"messages": [("user", "hi")]}))
    assert contents(out)[-1] == "ok" and model.calls[0][0].content == "from async"
    with pytest.raises(TypeError, match="ainvoke"):
        agent.invoke({"messages": [("user", "hi")]})


def test_the_agent_states_declare_their_optional_keys() -> None:
    from stategraph.prebuilt.chat_agent_executor import AgentStateWithStructuredResponse

    assert AgentState.__required_keys__ == {"messages"}
    assert AgentState.__optional_keys__ == {"remaining_steps"}
    assert AgentStateWithStructuredResponse.__optional_keys__ == {"remaining_steps", "structured_response"}


def test_nodes_are_in_langgraphs_order() -> None:
    from stategraph.prebuilt import create_react_agent
    from stategraph.testing import FakeChatModel

    def hook(state: Any) -> dict:
        return {}

    def ping() -> str:
        """Ping."""
        return "pong"

    agent = create_react_agent(
        FakeChatModel(["x"]), [ping], pre_model_hook=hook, post_model_hook=hook
    )
    assert list(agent.nodes) == ["__start__", "agent", "tools", "pre_model_hook", "post_model_hook"]
    assert list(create_react_agent(FakeChatModel(["x"]), [], pre_model_hook=hook).nodes) == [
        "__start__",
        "agent",
        "pre_model_hook",
    ]
