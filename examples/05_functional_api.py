"""The functional API: a workflow as a plain function, with a durable task and a human review."""

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.func import entrypoint, task
from stategraph.types import Command, interrupt

calls = []


@task
def write_essay(topic: str) -> str:
    calls.append(topic)  # runs once per thread: its result is saved and replayed on resume
    return f"An essay about {topic}."


@entrypoint(checkpointer=InMemorySaver())
def workflow(topic: str) -> dict:
    essay = write_essay(topic).result()
    review = interrupt({"essay": essay, "action": "please review"})
    return {"essay": essay, "review": review}


config = {"configurable": {"thread_id": "essay-1"}}
for chunk in workflow.stream("cats", config):
    print("first run:", chunk)
print("resumed:", workflow.invoke(Command(resume="looks good"), config))
print("task calls:", calls)
