"""A tiny Llama-shaped causal LM in plain PyTorch (RMSNorm, rotary positions, SwiGLU, tied-free LM head).

It needs nothing but torch, so the data path (packed rows, labels, block-diagonal attention) can be trained and
checked on a CPU without transformers: `--model tiny-llama`. It is not a substitute for a real base model.
"""
import math

import torch
from torch import nn


class RmsNorm(nn.Module):
    def __init__(self, size, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, hidden):
        variance = hidden.pow(2).mean(-1, keepdim=True)
        return self.weight * hidden * torch.rsqrt(variance + self.eps)


def rotate(x, position_ids, base=10000.0):
    """Applies rotary embeddings at the given positions (restarting per sample) to [batch, heads, T, dim]."""
    dim = x.shape[-1]
    inverse = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    angles = position_ids[:, None, :, None].float() * inverse[None, None, None, :]
    cos, sin = torch.cos(angles), torch.sin(angles)
    first, second = x[..., : dim // 2], x[..., dim // 2 :]
    return torch.cat([first * cos - second * sin, second * cos + first * sin], dim=-1)


class Block(nn.Module):
    def __init__(self, hidden, heads, intermediate):
        super().__init__()
        self.heads = heads
        self.attention_norm = RmsNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden, bias=False)
        self.out = nn.Linear(hidden, hidden, bias=False)
        self.mlp_norm = RmsNorm(hidden)
        self.gate = nn.Linear(hidden, intermediate, bias=False)
        self.up = nn.Linear(hidden, intermediate, bias=False)
        self.down = nn.Linear(intermediate, hidden, bias=False)

    def forward(self, hidden, position_ids, mask):
        batch, length, size = hidden.shape
        q, k, v = self.qkv(self.attention_norm(hidden)).split(size, dim=-1)
        shape = (batch, length, self.heads, size // self.heads)
        q, k, v = (t.view(shape).transpose(1, 2) for t in (q, k, v))
        q, k = rotate(q, position_ids), rotate(k, position_ids)
        scores = q @ k.transpose(-1, -2) / math.sqrt(size // self.heads) + mask
        attended = torch.softmax(scores, dim=-1) @ v
        hidden = hidden + self.out(attended.transpose(1, 2).reshape(batch, length, size))
        normed = self.mlp_norm(hidden)
        return hidden + self.down(nn.functional.silu(self.gate(normed)) * self.up(normed))


class TinyLlama(nn.Module):
    def __init__(self, vocab_size, hidden=64, layers=2, heads=4, intermediate=172):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab_size, hidden)
        self.layers = nn.ModuleList(Block(hidden, heads, intermediate) for _ in range(layers))
        self.norm = RmsNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab_size, bias=False)

    def forward(self, input_ids, position_ids, attention_mask):
        hidden = self.embed_tokens(input_ids)
        for layer in self.layers:
            hidden = layer(hidden, position_ids, attention_mask)
        return self.lm_head(self.norm(hidden))


def causal_lm_loss(logits, labels):
    """Cross-entropy of token t+1 predicted at t; labels of -100 carry no loss."""
    return nn.functional.cross_entropy(
        logits[:, :-1].reshape(-1, logits.shape[-1]).float(), labels[:, 1:].reshape(-1), ignore_index=-100
    )
