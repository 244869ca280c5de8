#!/usr/bin/env python3
"""Derive Tollgate's price book from the pydantic genai-prices v2 feed.

Reads  <repo>/../shared/data/genai-prices/{data.json,SOURCE.txt,LICENSE}
Writes shared/src/main/resources/dev/tollgate/pricing/prices.json
       shared/src/main/resources/dev/tollgate/pricing/LICENSE-genai-prices.txt

Kept per model: id, match rule, context_window and the four token prices Tollgate meters
(input_mtok, output_mtok, cache_read_mtok, cache_write_mtok), each a plain decimal string or a
{base, tiers:[{start, price}]} object. Time-conditional price lists are kept whole, in file order:
the runtime picks the one in force for the request's instant (see docs/pricing.md), so the output
does not depend on the day it was generated. A price set lacking input_mtok or output_mtok becomes
null: the model still matches (so a broader later rule cannot misprice it) but has no known price.

Standard library only. `--check` regenerates in memory and exits 1 when the committed files differ.
"""

from __future__ import annotations

import argparse
import decimal
import hashlib
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "genai-prices"
DEFAULT_OUT = REPO / "shared" / "src" / "main" / "resources" / "dev" / "tollgate" / "pricing"
PRICES_FILE = "prices.json"
LICENSE_FILE = "LICENSE-genai-prices.txt"

# genai-prices provider id -> Tollgate provider type. Others keep their own id (OpenAI-compatible servers).
TOLLGATE_TYPES = {"google": "gemini", "aws": "bedrock"}
PRICE_FIELDS = ("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok")
REQUIRED_FIELDS = ("input_mtok", "output_mtok")
MATCH_KEYS = ("equals", "starts_with", "ends_with", "contains", "regex", "or", "and")


class FeedError(Exception):
    pass


def decimal_text(value, where: str) -> str:
    """A price as an exact plain decimal string ('0.075', never '7.5e-2')."""
    if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal)):
        raise FeedError(f"{where}: expected a number, got {value!r}")
    d = decimal.Decimal(value)
    if d < 0:
        raise FeedError(f"{where}: negative price {d}")
    text = format(d.normalize(), "f")
    return text


def convert_match(rule, where: str):
    if not isinstance(rule, dict) or len(rule) != 1:
        raise FeedError(f"{where}: a match clause must have exactly one key, got {rule!r}")
    (key, value), = rule.items()
    if key not in MATCH_KEYS:
        raise FeedError(f"{where}: unknown match clause {key!r}")
    if key in ("or", "and"):
        if not isinstance(value, list) or not value:
            raise FeedError(f"{where}.{key}: expected a non-empty list")
        return {key: [convert_match(c, f"{where}.{key}[{i}]") for i, c in enumerate(value)]}
    if not isinstance(value, str):
        raise FeedError(f"{where}.{key}: expected a string")
    if key == "regex":
        re.compile(value)  # fail here rather than at Tollgate's runtime
    return {key: value}


def convert_field(value, where: str):
    if isinstance(value, dict):
        if set(value) != {"base", "tiers"}:
            raise FeedError(f"{where}: tiered price needs exactly base and tiers")
        tiers = []
        last = -1
        for i, tier in enumerate(value["tiers"]):
            start = tier.get("start")
            if not isinstance(start, int) or start <= last:
                raise FeedError(f"{where}.tiers[{i}].start: expected increasing whole numbers")
            last = start
            tiers.append({"start": start, "price": decimal_text(tier.get("price"), f"{where}.tiers[{i}].price")})
        if not tiers:
            raise FeedError(f"{where}.tiers: empty")
        return {"base": decimal_text(value["base"], f"{where}.base"), "tiers": tiers}
    return decimal_text(value, where)


def convert_price_set(prices: dict, where: str, stats: dict):
    if not isinstance(prices, dict):
        raise FeedError(f"{where}: expected an object")
    dropped = sorted(set(prices) - set(PRICE_FIELDS))
    for name in dropped:
        stats["dropped_fields"][name] = stats["dropped_fields"].get(name, 0) + 1
    if any(f not in prices for f in REQUIRED_FIELDS):
        return None
    return {f: convert_field(prices[f], f"{where}.{f}") for f in PRICE_FIELDS if f in prices}


def convert_constraint(constraint, where: str):
    if constraint is None:
        return None
    if set(constraint) == {"start_date"}:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", constraint["start_date"]):
            raise FeedError(f"{where}.start_date: expected YYYY-MM-DD")
        return {"start_date": constraint["start_date"]}
    if set(constraint) == {"start_time", "end_time"}:
        for k in ("start_time", "end_time"):
            # UTC only: the feed writes "00:30:00Z"; an offset would need converting and has never occurred.
            if not re.fullmatch(r"\d{2}:\d{2}:\d{2}Z", constraint[k]):
                raise FeedError(f"{where}.{k}: expected HH:MM:SSZ (UTC), got {constraint[k]!r}")
        return {"start_time": constraint["start_time"], "end_time": constraint["end_time"]}
    raise FeedError(f"{where}: unknown constraint {constraint!r}")


def convert_prices(prices, where: str, stats: dict):
    if isinstance(prices, list):
        stats["conditional"] += 1
        out = []
        for i, cond in enumerate(prices):
            entry = {}
            constraint = convert_constraint(cond.get("constraint"), f"{where}[{i}].constraint")
            if constraint is not None:
                entry["constraint"] = constraint
            entry["prices"] = convert_price_set(cond.get("prices"), f"{where}[{i}].prices", stats)
            out.append(entry)
        if not out:
            raise FeedError(f"{where}: empty list of conditional prices")
        return out
    return convert_price_set(prices, where, stats)


def convert(feed: list, source_meta: dict) -> tuple[dict, dict]:
    stats = {"providers": 0, "models": 0, "unpriced": 0, "conditional": 0, "tiered": 0, "dropped_fields": {}}
    providers = []
    types_seen = set()
    for p_index, provider in enumerate(feed):
        pid = provider["id"]
        ptype = TOLLGATE_TYPES.get(pid, pid)
        if ptype in types_seen:
            raise FeedError(f"providers[{p_index}]: Tollgate type {ptype!r} would be used twice")
        types_seen.add(ptype)
        out = {"type": ptype, "id": pid}
        if provider.get("provider_match") is not None:
            out["provider_match"] = convert_match(provider["provider_match"], f"{pid}.provider_match")
        if provider.get("fallback_model_providers"):
            out["fallback"] = list(provider["fallback_model_providers"])
        models = []
        for m_index, model in enumerate(provider["models"]):
            where = f"{pid}.models[{m_index}]({model.get('id')})"
            entry = {"id": model["id"], "match": convert_match(model["match"], where + ".match")}
            if model.get("context_window") is not None:
                if not isinstance(model["context_window"], int) or model["context_window"] <= 0:
                    raise FeedError(f"{where}.context_window: expected a positive whole number")
                entry["context_window"] = model["context_window"]
            entry["prices"] = convert_prices(model["prices"], where + ".prices", stats)
            if entry["prices"] is None:
                stats["unpriced"] += 1
            if '"tiers"' in json.dumps(entry["prices"]):
                stats["tiered"] += 1
            models.append(entry)
        out["models"] = models
        providers.append(out)
        stats["providers"] += 1
        stats["models"] += len(models)
    for p in providers:
        for fb in p.get("fallback", []):
            if not any(q["id"] == fb for q in providers):
                raise FeedError(f"{p['id']}.fallback_model_providers: unknown provider {fb!r}")
    book = {
        "format": 1,
        "source": source_meta,
        "generated_by": "tools/pricing/generate_price_book.py (do not edit by hand; see docs/pricing.md)",
        "licence": "MIT, Copyright (c) Pydantic Services Inc.; see LICENSE-genai-prices.txt beside this file",
        "providers": providers,
    }
    return book, stats


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render_book(book: dict) -> str:
    """Compact JSON, one model per line, so a price change shows up as a one-line diff."""
    lines = ["{"]
    for key in ("format", "source", "generated_by", "licence"):
        lines.append(f"{dumps(key)}:{dumps(book[key])},")
    lines.append('"providers":[')
    for p_i, provider in enumerate(book["providers"]):
        header = {k: v for k, v in provider.items() if k != "models"}
        lines.append(dumps(header)[:-1] + ',"models":[')
        models = provider["models"]
        for m_i, model in enumerate(models):
            lines.append(dumps(model) + ("," if m_i < len(models) - 1 else ""))
        lines.append("]}" + ("," if p_i < len(book["providers"]) - 1 else ""))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def read_source_meta(source: Path, data_bytes: bytes) -> dict:
    text = (source / "SOURCE.txt").read_text(encoding="utf-8")
    commit = re.search(r"commit ([0-9a-f]{40})", text)
    if not commit:
        raise FeedError(f"{source / 'SOURCE.txt'}: no 40-hex commit found")
    date = re.search(r"\((\d{4}-\d{2}-\d{2})\)", text)
    return {
        "repository": "https://github.com/pydantic/genai-prices",
        "path": "prices/new_data/v2/data.json",
        "commit": commit.group(1),
        "commit_date": date.group(1) if date else None,
        "sha256": hashlib.sha256(data_bytes).hexdigest(),
    }


def render_licence(source: Path, meta: dict) -> str:
    licence = (source / "LICENSE").read_text(encoding="utf-8").rstrip("\n")
    return (
        f"{licence}\n\n"
        f"prices.json beside this notice is derived from pydantic/genai-prices, commit {meta['commit']}"
        f" ({meta['commit_date']}), file {meta['path']}, by tools/pricing/generate_price_book.py.\n"
    )


def generate(source: Path) -> tuple[dict[str, str], dict]:
    data_bytes = (source / "data.json").read_bytes()
    feed = json.loads(data_bytes, parse_float=decimal.Decimal)
    if not isinstance(feed, list):
        raise FeedError("data.json: expected a list of providers")
    meta = read_source_meta(source, data_bytes)
    book, stats = convert(feed, meta)
    return {PRICES_FILE: render_book(book), LICENSE_FILE: render_licence(source, meta)}, stats


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="folder with data.json, SOURCE.txt and LICENSE (default: %(default)s)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT, help="default: %(default)s")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the files in --out-dir differ from a fresh generation")
    args = parser.parse_args(argv)

    if not (args.source / "data.json").is_file():
        print(f"generate_price_book: source feed not found: {args.source / 'data.json'} (use --source)",
              file=sys.stderr)
        return 2
    try:
        files, stats = generate(args.source)
    except (FeedError, KeyError, re.error) as e:
        print(f"generate_price_book: cannot read the feed: {e}", file=sys.stderr)
        return 2

    if args.check:
        stale = [name for name, text in files.items()
                 if not (args.out_dir / name).is_file()
                 or (args.out_dir / name).read_text(encoding="utf-8") != text]
        if stale:
            print(f"generate_price_book: stale or missing in {args.out_dir}: {', '.join(stale)}; "
                  "run: python3 tools/pricing/generate_price_book.py", file=sys.stderr)
            return 1
        print(f"generate_price_book: {args.out_dir / PRICES_FILE} is up to date", file=sys.stderr)
        return 0

    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out_dir / name).write_text(text, encoding="utf-8")
    dropped = ", ".join(f"{k} x{v}" for k, v in sorted(stats["dropped_fields"].items()))
    print(f"generate_price_book: wrote {args.out_dir / PRICES_FILE}: {stats['providers']} providers, "
          f"{stats['models']} models ({stats['unpriced']} without input+output price, {stats['tiered']} tiered, "
          f"{stats['conditional']} time-conditional); price kinds not metered by Tollgate, dropped: {dropped}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
