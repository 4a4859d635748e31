#!/usr/bin/env bash
# OpenAiClientTest drives the collector with the official OpenAI Python client, as users of vLLM, TGI and Ollama
# do. `mvn verify` calls this before the tests: it installs that client, pinned, from PyPI into a cache outside the
# work tree (nothing goes into the system's Python), and prints the directory to put on PYTHONPATH. A second run
# finds it there.
set -euo pipefail
version=3.63.0
dir=${MM_PYTHON_CACHE:-$HOME/.cache/model-monitor/python}/openai-$version
command -v python3 >/dev/null || { echo "python3 is required for OpenAiClientTest (the official OpenAI client is a Python package)" >&2; exit 1; }
if ! PYTHONPATH=$dir python3 -c "import openai, sys; sys.exit(openai.__version__ != '$version')" 2>/dev/null; then
  echo "installing the OpenAI Python client $version into $dir (OpenAiClientTest) ..." >&2
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  python3 -m pip install -q --disable-pip-version-check --no-warn-conflicts --target "$dir.tmp" "openai==$version" >&2
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi
echo "$dir"
