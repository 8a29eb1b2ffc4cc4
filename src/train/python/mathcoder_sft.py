"""MathCoder supervised fine-tuning on the packed rows of `mathcoder train prepare`.

  accelerate launch --config_file accelerate.yaml mathcoder_sft.py --data DIR --model BASE --output-dir OUT ...

With transformers installed (and accelerate + DeepSpeed or FSDP for several GPUs) it runs the transformers
Trainer on the prepared tensors: MathCoder's eight tokens added to the base tokenizer at the ids the data was made
with, embeddings resized and the new rows set to the mean of the old ones by token id, cosine schedule with
warm-up, bf16, FlashAttention-2 when present (flattened batches with position ids), otherwise a block-diagonal
mask. `--model tiny-llama` trains a small Llama-shaped model in plain PyTorch instead (no transformers needed),
and `--check` adds the checks the tests read: zero gradient at masked positions, no attention across samples.
"""
import argparse
import json
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from packed_batches import collate_block_diagonal, collate_flattened, read_manifest, read_rows  # noqa: E402

SPECIAL_TOKENS = ["<|system|>", "<|user|>", "<|assistant|>", "<|endofmessage|>", "<|text|>", "<|code|>", "<|execution|>", "<|endofblock|>"]


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="folder written by `mathcoder train prepare`")
    parser.add_argument("--model", required=True, help="base model path or id, or tiny-llama")
    parser.add_argument("--tokenizer", help="tokenizer of the base model (default: --model)")
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--learning-rate", type=float, default=2e-5)
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--per-device-batch", type=int, default=4)
    parser.add_argument("--gradient-accumulation", type=int, default=4)
    parser.add_argument("--warmup-steps", type=int, default=50)
    parser.add_argument("--scheduler", default="cosine")
    parser.add_argument("--max-steps", type=int, default=-1)
    parser.add_argument("--bf16", action="store_true")
    parser.add_argument("--gradient-checkpointing", action="store_true")
    parser.add_argument("--attention", default="auto", choices=["auto", "flash_attention_2", "sdpa", "eager"])
    parser.add_argument("--deepspeed", help="DeepSpeed config (ZeRO-3); FSDP comes from the accelerate config")
    parser.add_argument("--pad-to-multiple-of", type=int, default=None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--metrics", help="JSON Lines file to append {step, total_steps, loss, lr, tokens, elapsed} to")
    parser.add_argument("--check", action="store_true", help="tiny-llama: also report the masking and attention checks")
    return parser.parse_args(argv)


def fail(message):
    print(f"mathcoder_sft: {message}", file=sys.stderr)
    sys.exit(2)


def log_metrics(path, record):
    """One optimizer step: printed as a JSON line (`mathcoder train launch` shows it as progress) and appended to `path`."""
    print(json.dumps(record), flush=True)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")


def schedule(step, total, warmup, peak):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def masking_checks(model, batch, rows, collate):
    """Gradient of the loss on every logit row whose target is masked, and the effect of one sample on another."""
    import torch
    from tiny_llama import causal_lm_loss

    logits = model(batch["input_ids"], batch["position_ids"], batch["attention_mask"])
    logits.retain_grad()
    causal_lm_loss(logits, batch["labels"]).backward()
    targets = batch["labels"][:, 1:]
    grads = logits.grad[:, :-1]
    masked = targets == -100
    masked_grad = grads[masked].abs().max().item() if masked.any() else 0.0
    trained_grad = grads[~masked].abs().amax(dim=-1).min().item() if (~masked).any() else 0.0
    model.zero_grad()
    # In the first row holding several samples, change every token of its first sample: nothing after may move.
    leak = None
    packed = next((row for row in rows if row["position_ids"].count(0) > 1), None)
    if packed is not None:
        single = collate([packed])
        second = single["position_ids"][0].tolist().index(0, 1)
        changed = single["input_ids"].clone()
        changed[0, :second] = (changed[0, :second] + 7) % model.embed_tokens.num_embeddings
        with torch.no_grad():
            before = model(single["input_ids"], single["position_ids"], single["attention_mask"])[0, second:]
            after = model(changed, single["position_ids"], single["attention_mask"])[0, second:]
        leak = (before - after).abs().max().item()
    return {"masked_positions": int(masked.sum()), "max_grad_on_masked": masked_grad, "min_grad_on_trained": trained_grad, "cross_sample_change": leak}


def train_tiny(args, manifest, rows):
    import torch
    from tiny_llama import TinyLlama, causal_lm_loss

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    model = TinyLlama(manifest["tokenizer"]["size"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.0)
    steps_per_epoch = math.ceil(len(rows) / (args.per_device_batch * args.gradient_accumulation))
    total = args.max_steps if args.max_steps > 0 else int(steps_per_epoch * args.epochs)
    batches = [rows[i : i + args.per_device_batch] for i in range(0, len(rows), args.per_device_batch)]
    collate = lambda chunk: collate_block_diagonal(chunk, 0, torch.float32)  # noqa: E731
    report = {"engine": "tiny-llama", "torch": torch.__version__, "steps": total, "losses": []}
    if args.check:
        report["checks"] = masking_checks(model, collate(batches[0]), rows, collate)
    step, cursor, tokens = 0, 0, 0
    started = time.monotonic()
    while step < total:
        optimizer.zero_grad()
        loss_sum = 0.0
        for _ in range(args.gradient_accumulation):
            chunk = batches[cursor % len(batches)]
            tokens += sum(len(row["input_ids"]) for row in chunk)
            batch = collate(chunk)
            cursor += 1
            loss = causal_lm_loss(model(batch["input_ids"], batch["position_ids"], batch["attention_mask"]), batch["labels"])
            (loss / args.gradient_accumulation).backward()
            loss_sum += loss.item() / args.gradient_accumulation
        lr = schedule(step, total, args.warmup_steps, args.learning_rate)
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.step()
        report["losses"].append(loss_sum)
        log_metrics(args.metrics, {"step": step + 1, "total_steps": total, "loss": loss_sum, "lr": lr, "tokens": tokens, "elapsed": time.monotonic() - started})
        step += 1
    os.makedirs(args.output_dir, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(args.output_dir, "tiny-llama.pt"))
    with open(os.path.join(args.output_dir, "report.json"), "w", encoding="utf-8") as handle:
        json.dump(report, handle)


class PackedDataset:
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]


def flash_attention_available():
    try:
        import flash_attn  # noqa: F401
        import torch

        return torch.cuda.is_available()
    except ImportError:
        return False


def train_transformers(args, manifest, rows):
    try:
        import torch
        import transformers
        from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments
    except ImportError as error:
        fail(f"{error.name} is not installed: the transformers engine needs torch, transformers and accelerate (pip install transformers accelerate), or use --model tiny-llama")
    from embedding_init import resize_and_init

    attention = args.attention
    if attention == "auto":
        attention = "flash_attention_2" if flash_attention_available() else "sdpa"
    dtype = torch.bfloat16 if args.bf16 else torch.float32
    training_args = TrainingArguments(
        output_dir=args.output_dir,
        per_device_train_batch_size=args.per_device_batch,
        gradient_accumulation_steps=args.gradient_accumulation,
        learning_rate=args.learning_rate,
        num_train_epochs=args.epochs,
        max_steps=args.max_steps,
        lr_scheduler_type=args.scheduler,
        warmup_steps=args.warmup_steps,
        weight_decay=0.0,
        bf16=args.bf16,
        gradient_checkpointing=args.gradient_checkpointing,
        deepspeed=args.deepspeed,
        logging_steps=1,
        save_strategy="epoch",
        remove_unused_columns=False,
        report_to=[],
        seed=args.seed,
    )
    tokenizer = AutoTokenizer.from_pretrained(args.tokenizer or args.model)
    old_size = len(tokenizer)
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL_TOKENS}, replace_additional_special_tokens=False)
    expected = manifest["tokenizer"]["specialTokenIds"]
    actual = {token: tokenizer.convert_tokens_to_ids(token) for token in SPECIAL_TOKENS}
    if actual != expected or len(tokenizer) != manifest["tokenizer"]["size"]:
        fail(f"the base tokenizer gives the special tokens ids {actual} ({len(tokenizer)} ids) but the data was prepared with {expected} ({manifest['tokenizer']['size']} ids): prepare it again with this model's tokenizer")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(args.model, torch_dtype=dtype, attn_implementation=attention)
    new_ids = sorted(i for i in actual.values() if i >= old_size)
    resize_and_init(model, old_size, len(tokenizer), new_ids, args.pad_to_multiple_of)
    if attention == "flash_attention_2":
        collator = collate_flattened
    else:
        collator = lambda chunk: collate_block_diagonal(chunk, tokenizer.pad_token_id, dtype)  # noqa: E731
    print(json.dumps({"engine": "transformers", "transformers": transformers.__version__, "attention": attention, "rows": len(rows), "new_token_ids": new_ids}), flush=True)
    counted = {"tokens": 0}

    def counting_collator(chunk):
        counted["tokens"] += sum(len(row["input_ids"]) for row in chunk)
        return collator(chunk)

    class MetricsCallback(transformers.TrainerCallback):
        """Each logged step as a metrics line: step, loss, learning rate, tokens so far (all processes) and time."""

        def __init__(self):
            self.started = time.monotonic()

        def on_log(self, callback_args, state, control, logs=None, **kwargs):
            if not state.is_world_process_zero or not logs or "loss" not in logs:
                return
            record = {"step": state.global_step, "total_steps": state.max_steps, "loss": logs["loss"], "lr": logs.get("learning_rate"),
                      "tokens": counted["tokens"] * callback_args.world_size, "elapsed": time.monotonic() - self.started}
            log_metrics(args.metrics, record)

    trainer = Trainer(model=model, args=training_args, train_dataset=PackedDataset(rows), data_collator=counting_collator, callbacks=[MetricsCallback()])
    trainer.train()
    trainer.save_model(args.output_dir)
    tokenizer.save_pretrained(args.output_dir)


# glibc gives every allocation over 32 MiB its own mmap and unmaps it when freed, so each training step on the CPU
# page-faults its logits and gradients afresh (on a VM where a fault is dear that is 95% of a tiny model's step).
# Heap-only allocation with no trimming keeps freed memory for the next step.
CPU_ALLOCATOR_ENV = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": str(1 << 40)}


def reexec_with_cpu_allocator():
    """Starts this script again with CPU_ALLOCATOR_ENV (glibc reads it only at start-up), before torch loads."""
    if all(os.environ.get(name) == value for name, value in CPU_ALLOCATOR_ENV.items()):
        return
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *sys.argv[1:]], {**os.environ, **CPU_ALLOCATOR_ENV})


def main(argv=None):
    args = arguments(argv)
    if args.model == "tiny-llama" and argv is None:
        reexec_with_cpu_allocator()
    if not os.path.exists(os.path.join(args.data, "prepare.json")):
        fail(f"{args.data} has no prepare.json: run `mathcoder train prepare` first")
    manifest = read_manifest(args.data)
    rows = read_rows(args.data)
    if not rows:
        fail(f"{args.data}/train.jsonl has no rows")
    if args.model == "tiny-llama":
        train_tiny(args, manifest, rows)
    else:
        train_transformers(args, manifest, rows)


if __name__ == "__main__":
    main()
