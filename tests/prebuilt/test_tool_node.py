"""ToolNode: parallel calls, error handling modes, injection, Commands, inputs; tools_condition."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated, Any

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import END, START, StateGraph
from stategraph.graph.message import MessagesState
from stategraph.messages import AIMessage, ToolMessage, tool_call
from stategraph.prebuilt import (
    InjectedState,
    InjectedStore,
    ToolInvocationError,
    ToolNode,
    ToolRuntime,
    tools_condition,
)
from stategraph.store.memory import InMemoryStore
from stategraph.types import Command, Send

lc_tools = pytest.importorskip("langchain_core.tools")


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def broken(x: int) -> int:
    """Always fails."""
    raise ValueError("tool exploded")


def ai_calling(*calls: tuple[str, dict[str, Any], str]) -> AIMessage:
    return AIMessage("", id="ai", tool_calls=[tool_call(n, a, i) for n, a, i in calls])


def graph_for(node: ToolNode, **compile_kw: Any) -> Any:
    return (
        StateGraph(MessagesState)
        .add_node("tools", node)
        .add_edge(START, "tools")
        .compile(**compile_kw)
    )


def run(node: ToolNode, driver, *calls: tuple[str, dict[str, Any], str], **kw: Any) -> list[Any]:
    return driver.run(graph_for(node, **kw), {"messages": [ai_calling(*calls)]})["messages"][1:]


def test_answers_every_call_in_call_order(driver) -> None:
    out = run(
        ToolNode([add]), driver, ("add", {"a": 1, "b": 2}, "c1"), ("add", {"a": 3, "b": 4}, "c2")
    )
    assert [(m.content, m.tool_call_id, m.name, m.status) for m in out] == [
        ("3", "c1", "add", "success"),
        ("7", "c2", "add", "success"),
    ]


def test_calls_run_in_parallel(driver) -> None:
    barrier = threading.Barrier(2, timeout=5)

    def wait_for_sibling(tag: str) -> str:
        """Blocks until its sibling call runs too."""
        barrier.wait()
        return tag

    out = run(
        ToolNode([wait_for_sibling]),
        driver,
        ("wait_for_sibling", {"tag": "x"}, "c1"),
        ("wait_for_sibling", {"tag": "y"}, "c2"),
    )
    assert [m.content for m in out] == ["x", "y"]


def test_default_handler_reports_bad_arguments_and_raises_tool_errors(driver) -> None:
    node = ToolNode([add, broken])
    [bad] = run(node, driver, ("add", {"a": "x", "b": 1}, "c1"))
    assert bad.status == "error" and "Error invoking tool 'add'" in bad.content
    with pytest.raises(ValueError, match="tool exploded"):
        run(node, driver, ("broken", {"x": 1}, "c2"))


@pytest.mark.parametrize(
    ("mode", "content"),
    [
        (True, "Error: ValueError('tool exploded')\n Please fix your mistakes."),
        ("custom text", "custom text"),
        (ValueError, "Error: ValueError('tool exploded')\n Please fix your mistakes."),
        ((KeyError, ValueError), "Error: ValueError('tool exploded')\n Please fix your mistakes."),
    ],
)
def test_handled_errors_become_error_messages(mode: Any, content: str, driver) -> None:
    [msg] = run(ToolNode([broken], handle_tool_errors=mode), driver, ("broken", {"x": 1}, "c"))
    assert (msg.content, msg.status, msg.name, msg.tool_call_id) == (
        content,
        "error",
        "broken",
        "c",
    )


def test_callable_handler_catches_only_its_annotated_types(driver) -> None:
    def on_value(e: ValueError | KeyError) -> str:
        return f"handled {e}"

    def on_type(e: TypeError) -> str:
        return "never"

    [msg] = run(ToolNode([broken], handle_tool_errors=on_value), driver, ("broken", {"x": 1}, "c"))
    assert msg.content == "handled tool exploded"
    with pytest.raises(ValueError):
        run(ToolNode([broken], handle_tool_errors=on_type), driver, ("broken", {"x": 1}, "c"))


def test_false_reraises_even_invocation_errors(driver) -> None:
    with pytest.raises(ToolInvocationError):
        run(ToolNode([add], handle_tool_errors=False), driver, ("add", {"a": "x"}, "c"))


def test_unknown_tool_is_answered_with_an_error(driver) -> None:
    [msg] = run(ToolNode([add], handle_tool_errors=False), driver, ("nope", {}, "c"))
    assert msg.status == "error" and "nope is not a valid tool, try one of [add]" in msg.content


def test_injected_state_store_and_runtime(driver) -> None:
    store = InMemoryStore()
    store.put(("prefs",), "u", {"color": "blue"})

    def inspect_run(
        question: str,
        state: Annotated[dict, InjectedState],
        messages: Annotated[list, InjectedState("messages")],
        st: Annotated[Any, InjectedStore()],
        runtime: ToolRuntime,
    ) -> str:
        """Report what was injected."""
        color = st.get(("prefs",), "u").value["color"]
        return f"{question}|{len(state['messages'])}|{len(messages)}|{color}|{runtime.tool_call_id}|{runtime.store is st}"

    node = ToolNode([inspect_run])
    assert set(node.tool_specs[0]["function"]["parameters"]["properties"]) == {"question"}
    [msg] = run(node, driver, ("inspect_run", {"question": "q"}, "c9"), store=store)
    assert msg.content == "q|1|1|blue|c9|True"


def test_langchain_tools_get_injections_too(driver) -> None:
    @lc_tools.tool
    def who(runtime: ToolRuntime, call_id: Annotated[str, lc_tools.InjectedToolCallId]) -> str:
        """Name the call."""
        return f"{runtime.tool_call_id}={call_id}"

    node = ToolNode([who])
    assert node.tool_specs[0]["function"]["parameters"]["properties"] == {}
    [msg] = run(node, driver, ("who", {}, "c5"))
    assert msg.content == "c5=c5" and type(msg).__module__.startswith("langchain_core")


@pytest.mark.parametrize("flavour", ["function", "langchain"])
def test_tools_may_return_commands(flavour: str, driver) -> None:
    class State(MessagesState):
        mood: str

    def set_mood(mood: str, runtime: ToolRuntime) -> Command:
        """Set the mood."""
        return Command(
            update={
                "mood": mood,
                "messages": [
                    ToolMessage(f"mood={mood}", tool_call_id=runtime.tool_call_id, name="set_mood")
                ],
            },
            goto="after",
        )

    tool = lc_tools.tool(set_mood) if flavour == "langchain" else set_mood
    g = (
        StateGraph(State)
        .add_node("tools", ToolNode([tool, add]))
        .add_node("after", lambda s: {"mood": s["mood"] + "!"})
        .add_edge(START, "tools")
        .compile()
    )
    out = driver.run(
        g,
        {
            "messages": [
                ai_calling(("set_mood", {"mood": "calm"}, "c1"), ("add", {"a": 1, "b": 1}, "c2"))
            ]
        },
    )
    assert out["mood"] == "calm!"
    assert [m.content for m in out["messages"][1:]] == ["mood=calm", "2"]


def test_with_commands_each_call_is_its_own_update_in_call_order(driver) -> None:
    class State(MessagesState):
        mood: str

    def set_mood(mood: str, runtime: ToolRuntime) -> Command:
        """Set the mood."""
        answer = ToolMessage(f"mood={mood}", tool_call_id=runtime.tool_call_id, name="set_mood")
        return Command(update={"mood": mood, "messages": [answer]})

    g = (
        StateGraph(State)
        .add_node("tools", ToolNode([add, set_mood]))
        .add_edge(START, "tools")
        .compile()
    )
    calls = (
        ("add", {"a": 1, "b": 1}, "c1"),
        ("set_mood", {"mood": "calm"}, "c2"),
        ("add", {"a": 2, "b": 2}, "c3"),
    )
    [chunk] = driver.stream(
        g, {"messages": [ai_calling(*calls)], "mood": ""}, stream_mode="updates"
    )
    # LangGraph's shape: one write per tool output (a Command's update split per key), in call order
    assert [sorted(u) for u in chunk["tools"]] == [
        ["messages"],
        ["mood"],
        ["messages"],
        ["messages"],
    ]
    out = driver.run(g, {"messages": [ai_calling(*calls)], "mood": ""})
    assert [m.tool_call_id for m in out["messages"][1:]] == ["c1", "c2", "c3"]


def test_command_without_an_answer_for_its_call_is_rejected(driver) -> None:
    def sneaky() -> Command:
        """Forget to answer."""
        return Command(update={"messages": []})

    with pytest.raises(ValueError, match="no ToolMessage answering its tool call 'c1'"):
        run(ToolNode([sneaky]), driver, ("sneaky", {}, "c1"))


def test_wrap_tool_call_sees_and_can_change_the_request(driver) -> None:
    seen = []

    def wrap(request: Any, execute: Any) -> Any:
        seen.append(request.tool_call["name"])
        return execute(request.override(tool_call={**request.tool_call, "args": {"a": 10, "b": 5}}))

    [msg] = run(ToolNode([add], wrap_tool_call=wrap), driver, ("add", {"a": 1, "b": 1}, "c"))
    assert (seen, msg.content) == (["add"], "15")


def test_wrappers_also_see_calls_of_unknown_tools(driver) -> None:
    seen = []

    def wrap(request: Any, execute: Any) -> Any:
        seen.append((request.tool_call["name"], request.tool))
        if request.tool is None:  # the wrapper may fix the name, as LangGraph lets it
            return execute(request.override(tool_call={**request.tool_call, "name": "add"}))
        return execute(request)

    fixed, unknown = run(
        ToolNode([add], wrap_tool_call=wrap),
        driver,
        ("ad", {"a": 1, "b": 2}, "c1"),
        ("zzz", {}, "c2"),
    )
    assert seen[0] == ("ad", None) and fixed.content == "3"
    plain = run(
        ToolNode([add], wrap_tool_call=lambda request, execute: execute(request)),
        driver,
        ("zzz", {}, "c3"),
    )
    assert plain[0].status == "error" and "not a valid tool" in plain[0].content


def test_list_input_gives_list_output_and_send_input_runs_one_call(driver) -> None:
    class State(MessagesState):
        pass

    node = ToolNode([add])

    def fan_out(state: State) -> list[Send]:
        return [
            Send("tools", {"__type": "tool_call_with_context", "tool_call": c, "state": state})
            for c in state["messages"][-1].tool_calls
        ]

    g = (
        StateGraph(State)
        .add_node("tools", node)
        .add_conditional_edges(START, fan_out, ["tools"])
        .compile()
    )
    out = driver.run(
        g,
        {
            "messages": [
                ai_calling(("add", {"a": 1, "b": 1}, "c1"), ("add", {"a": 2, "b": 2}, "c2"))
            ]
        },
    )
    assert sorted(m.content for m in out["messages"][1:]) == ["2", "4"]
    inner = StateGraph(MessagesState).add_node(
        "n", lambda s: {"messages": node.invoke([ai_calling(("add", {"a": 5, "b": 5}, "c"))])}
    )
    out = inner.add_edge(START, "n").compile().invoke({"messages": []})
    assert out["messages"][0].content == "10"


def test_invoking_outside_a_graph_fails_clearly() -> None:
    with pytest.raises(ValueError, match="invoked outside a running graph"):
        ToolNode([add]).invoke({"messages": [ai_calling(("add", {"a": 1, "b": 1}, "c"))]})


def test_missing_ai_message_fails_clearly() -> None:
    g = graph_for(ToolNode([add]))
    with pytest.raises(ValueError, match="found no AI message"):
        g.invoke({"messages": [("user", "hi")]})


def test_interrupt_inside_a_tool_pauses_and_resumes(driver) -> None:
    from stategraph.types import interrupt

    def ask(question: str) -> str:
        """Ask a human."""
        return f"human said {interrupt(question)}"

    g = graph_for(ToolNode([ask]), checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    paused = driver.run(g, {"messages": [ai_calling(("ask", {"question": "ok?"}, "c"))]}, config)
    assert paused["__interrupt__"][0].value == "ok?"
    done = driver.run(g, Command(resume="yes"), config)
    assert done["messages"][-1].content == "human said yes"


def test_tools_condition_accepts_dict_list_and_objects() -> None:
    @dataclass
    class Obj:
        messages: list

    calling = ai_calling(("add", {}, "c"))
    assert tools_condition({"messages": [calling]}) == "tools"
    assert tools_condition([AIMessage("x")]) == END
    assert tools_condition(Obj([calling])) == "tools"
    assert tools_condition({"chat": [calling]}, messages_key="chat") == "tools"
    with pytest.raises(ValueError, match="No messages found"):
        tools_condition({"messages": []})


def test_tools_by_name_keeps_the_original_objects() -> None:
    node = ToolNode([add, broken], name="my_tools")
    assert node.tools_by_name == {"add": add, "broken": broken} and node.get_name() == "my_tools"
