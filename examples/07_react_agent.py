"""A ReAct agent with two tools; the answer's tokens are printed as they stream.

The model is stategraph's scripted fake (no API key): swap in OpenAIChatModel(...) or
init_chat_model("ollama:llama3.1") for a real one.
"""

from stategraph.messages import AIMessageChunk
from stategraph.prebuilt import create_react_agent
from stategraph.testing import FakeChatModel, ai, call


def get_weather(city: str) -> str:
    """Look up the current weather of a city.

    Args:
        city: The city name.
    """
    return {"paris": "sunny, 24 C", "oslo": "rainy, 11 C"}.get(city.lower(), "unknown")


def convert_c_to_f(celsius: float) -> float:
    """Convert degrees Celsius to Fahrenheit."""
    return round(celsius * 9 / 5 + 32, 1)


model = FakeChatModel([
    # turn 1: the model asks for two tools at once (they run in parallel)
    ai("", call("get_weather", {"city": "Paris"}, "w1"), call("convert_c_to_f", {"celsius": 24}, "c1")),
    # turn 2: it answers with what the tools returned
    "It is sunny in Paris: 24 C, which is 75.2 F.",
])
agent = create_react_agent(model, [get_weather, convert_c_to_f], prompt="You are a concise weather bot.")

question = {"messages": [("user", "What's the weather in Paris, in Fahrenheit?")]}
for message, metadata in agent.stream(question, stream_mode="messages"):
    node = metadata["langgraph_node"]
    if isinstance(message, AIMessageChunk):
        for tc in message.tool_calls:
            print(f"[{node}] calls {tc['name']}({tc['args']})")
        print(message.content, end="", flush=True)
    else:
        print(f"[{node}] {message.name} -> {message.content}")
print()
