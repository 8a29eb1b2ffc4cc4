"""Prints, as one JSON object, which of the training packages this Python has and their versions."""
import importlib
import json
import sys

MODULES = ["torch", "transformers", "accelerate", "deepspeed", "flash_attn", "trl", "datasets"]


def version(name):
    try:
        module = importlib.import_module(name)
    except Exception:
        return None
    return str(getattr(module, "__version__", "unknown"))


def main():
    found = {name: version(name) for name in MODULES}
    gpus = 0
    if found["torch"]:
        import torch

        gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
    print(json.dumps({"python": sys.version.split()[0], "executable": sys.executable, "modules": found, "gpus": gpus}))


if __name__ == "__main__":
    main()
