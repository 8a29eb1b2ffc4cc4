"""Reads the packed rows `mathcoder train prepare` writes (train.jsonl) and batches them for a trainer.

Every row holds whole samples; `position_ids` restart at 0 where a sample starts (`cu_seqlens`). Two ways to keep
samples from attending to each other ("cross-question masking", MathCoder SFT section 2.2):
  * flattened: the rows of a batch become one sequence with the position ids, for FlashAttention-2's varlen
    kernels (transformers finds the sample boundaries from position_ids);
  * block-diagonal: rows padded to the longest, with a 4D mask that lets a token see only earlier tokens of its own
    sample (any attention implementation).
"""
import json
import os

IGNORE_INDEX = -100


def read_manifest(data_dir):
    with open(os.path.join(data_dir, "prepare.json"), encoding="utf-8") as handle:
        return json.load(handle)


def read_rows(data_dir):
    rows = []
    with open(os.path.join(data_dir, "train.jsonl"), encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                rows.append({key: row[key] for key in ("input_ids", "labels", "position_ids")})
    return rows


def sample_ids_from_positions(position_ids):
    """Numbers the samples of a row from its position ids: a new sample wherever the position is 0."""
    import torch

    starts = (position_ids == 0).long()
    return torch.cumsum(starts, dim=-1)


def block_diagonal_mask(position_ids, valid, dtype):
    """Additive [batch, 1, T, T] mask: 0 where query and key are in the same sample and key <= query, else -inf."""
    import torch

    samples = sample_ids_from_positions(position_ids)
    length = position_ids.shape[-1]
    causal = torch.ones(length, length, dtype=torch.bool, device=position_ids.device).tril()
    same = samples[:, :, None] == samples[:, None, :]
    allowed = same & causal[None] & valid[:, None, :] & valid[:, :, None]
    allowed = allowed | torch.eye(length, dtype=torch.bool, device=position_ids.device)[None]
    mask = torch.zeros(allowed.shape, dtype=dtype, device=position_ids.device)
    mask.masked_fill_(~allowed, torch.finfo(dtype).min)
    return mask[:, None]


def collate_block_diagonal(rows, pad_id, dtype):
    import torch

    length = max(len(row["input_ids"]) for row in rows)
    input_ids = torch.full((len(rows), length), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), length), IGNORE_INDEX, dtype=torch.long)
    position_ids = torch.zeros((len(rows), length), dtype=torch.long)
    valid = torch.zeros((len(rows), length), dtype=torch.bool)
    for index, row in enumerate(rows):
        size = len(row["input_ids"])
        input_ids[index, :size] = torch.tensor(row["input_ids"])
        labels[index, :size] = torch.tensor(row["labels"])
        position_ids[index, :size] = torch.tensor(row["position_ids"])
        # Padding continues the positions so it never starts a sample of its own.
        position_ids[index, size:] = torch.arange(1, length - size + 1) + position_ids[index, size - 1]
        valid[index, :size] = True
    return {
        "input_ids": input_ids,
        "labels": labels,
        "position_ids": position_ids,
        "attention_mask": block_diagonal_mask(position_ids, valid, dtype),
    }


def collate_flattened(rows):
    import torch

    return {
        "input_ids": torch.tensor([sum((row["input_ids"] for row in rows), [])]),
        "labels": torch.tensor([sum((row["labels"] for row in rows), [])]),
        "position_ids": torch.tensor([sum((row["position_ids"] for row in rows), [])]),
    }
