"""New-token embeddings initialised to the mean of the old rows, resolved by token id.

mathllm-finetune wrote the mean into `embeddings[-num_new_tokens:]`; with `pad_to_multiple_of` the last rows are
padding, so ids 32000-32007 kept their random init (SPEC 4.1). Here the rows are the ids the tokenizer gives the
new tokens, and the mean is over the rows of the old vocabulary only.
"""


def init_new_rows(weight, old_size, new_ids):
    """Sets weight[id] = mean(weight[:old_size]) for every id in new_ids; returns the mean row."""
    import torch

    with torch.no_grad():
        mean = weight[:old_size].float().mean(dim=0).to(weight.dtype)
        for token_id in new_ids:
            if token_id < old_size:
                raise ValueError(f"token id {token_id} is inside the old vocabulary ({old_size} rows): it is not a new token")
            weight[token_id] = mean
    return mean


def resize_and_init(model, old_size, new_size, new_ids, pad_to_multiple_of=None):
    """Resizes input and output embeddings (ZeRO-3 aware) and initialises the new ids' rows to the old mean."""
    import contextlib

    model.resize_token_embeddings(new_size, pad_to_multiple_of=pad_to_multiple_of)
    rows = [model.get_input_embeddings().weight]
    output = model.get_output_embeddings()
    if output is not None and output.weight is not rows[0]:
        rows.append(output.weight)
    gather = contextlib.nullcontext()
    try:
        from transformers.integrations import is_deepspeed_zero3_enabled

        if is_deepspeed_zero3_enabled():
            import deepspeed

            gather = deepspeed.zero.GatheredParameters(rows, modifier_rank=0)
    except ImportError:
        pass
    with gather:
        for weight in rows:
            if weight.shape[0] > 0:
                init_new_rows(weight.data, old_size, new_ids)
