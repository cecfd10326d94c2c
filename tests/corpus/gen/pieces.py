"""Shared by the held-out runs' label scripts: what is left of a secret a printer cut."""


def cut_pieces(v, line, n, labs):
    """Add to `labs` the maximal pieces of `v`, `n` characters or more, found in `line` (a wrap
    or a truncation left them), unless a label holds them already."""
    j = 0
    while j + n <= len(v):
        if v[j:j + n] in line:
            k = j + n
            while k < len(v) and v[j:k + 1] in line:
                k += 1
            if not any(v[j:k] in l for l in labs):
                labs.add(v[j:k])
            j = k
        else:
            j += 1
