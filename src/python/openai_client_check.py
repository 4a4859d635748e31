"""Talks to a model through the collector with the official OpenAI Python client, as an application would, and
prints what the client got as one JSON document for OpenAiClientTest to compare with what the model sent and with
what the collector counted. Usage: openai_client_check.py BASE_URL (e.g. http://127.0.0.1:9090/v1)."""
import base64
import json
import sys

import openai

base_url = sys.argv[1]
client = openai.OpenAI(base_url=base_url, api_key="not-needed", max_retries=0)
messages = [{"role": "user", "content": "say something short"}]
out = {"version": openai.__version__}

# Streamed, through the client's own event parser, with the final usage chunk.
stream = client.chat.completions.create(model="demo-llm", messages=messages, max_tokens=64, stream=True,
                                        stream_options={"include_usage": True})
text, finish, usage, chunks = "", None, None, 0
for chunk in stream:
    chunks += 1
    for choice in chunk.choices:
        text += choice.delta.content or ""
        finish = choice.finish_reason or finish
    if chunk.usage is not None:
        usage = chunk.usage.completion_tokens
out["streamed"] = {"text": text, "finish_reason": finish, "completion_tokens": usage, "chunks": chunks}

# Streamed again, the raw bytes as the client's HTTP layer received them, with the collector's header.
with client.chat.completions.with_streaming_response.create(model="demo-llm", messages=messages, max_tokens=64,
                                                            stream=True) as raw:
    body = b"".join(raw.iter_bytes())
    out["raw"] = {"body": base64.b64encode(body).decode(), "prediction_id": raw.headers.get("x-prediction-id"),
                  "content_type": raw.headers.get("content-type")}

# Not streamed, cut off by max_tokens.
answer = client.chat.completions.create(model="demo-llm", messages=messages, max_tokens=4)
out["complete"] = {"finish_reason": answer.choices[0].finish_reason, "completion_tokens": answer.usage.completion_tokens,
                   "prompt_tokens": answer.usage.prompt_tokens}

# Embeddings of two inputs.
embedded = client.embeddings.create(model="demo-llm", input=["first input", "second"])
out["embeddings"] = {"inputs": len(embedded.data)}
print(json.dumps(out))
