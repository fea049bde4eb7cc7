"""The readme-tagger command line: tag, batch, eval (and repo, for GitHub).

Exit codes, for every command: 0 all went well; 1 some items failed (named on stderr);
2 bad usage or configuration.
"""

import argparse
import json
import os
import sys

from bot.errors import ConfigError, TaggerError

EPILOG_TAG = """\
examples:
  readme-tagger tag README.md
  readme-tagger tag README.md --vocabulary tags.json --tag-format name --explain
  curl -s https://example.org/README.md | readme-tagger tag - --id 1118

The vocabulary is a JSON list of {"id", "name"} entries, or a rules YAML file that may add
aliases, exclusions and thresholds (see README.md). Without --vocabulary the 90 built-in tags
are used. stdout carries exactly one JSON object {"id", "tags"}; with --explain it also has an
"evidence" object, and a table of the best candidates goes to stderr.
"""

EPILOG_BATCH = """\
input lines (JSONL):
  {"id": "1118", "readme": "# Firecracker ..."}
  {"id": "owner__name", "readme_path": "readmes/owner__name.md", "description": "optional"}

readme_path is absolute or relative to the input file. Output is one {"id", "tags"} line per
good input line, in input order. Bad lines are reported on stderr with their line number.
Lines are flushed as they are written: after an interruption, run again with --resume to tag
only what is missing. --shard I/N splits the ids across N machines or jobs.
"""

EPILOG_EVAL = """\
LABELS lines are {"id", "a": [...], "b": [...]} (two annotators) or {"id", "tags": [...]};
PREDICTIONS lines are {"id", "tags": [...]}, as `tag` and `batch` write them.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def whole_number(minimum: int = 0, unit: str = ""):
    """An argparse type: a whole number of UNIT, at least MINIMUM."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number{' of ' + unit if unit else ''}, "
                                             f"got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, got {value}")
        return value

    return parse


_positive_int = whole_number(0)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vocabulary", metavar="FILE",
                        help="tag vocabulary: JSON list of {\"id\", \"name\"} or rules YAML (default: built-in 90 tags)")
    parser.add_argument("--max-tags", type=_positive_int, default=3, metavar="N",
                        help="choose at most N tags, fewer when the evidence is weak (default: 3)")
    parser.add_argument("--tag-format", choices=("object", "name", "id"), default="object",
                        help="how tags are written: the vocabulary entry {\"id\", \"name\"} (default), "
                             "the name, or the id")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="readme-tagger",
        description="Tag repositories from a fixed vocabulary by reading their README.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'readme-tagger COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    tag = commands.add_parser("tag", help="tag one README (a file or stdin)", epilog=EPILOG_TAG,
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              description="Choose at most --max-tags tags for one README and print "
                                          "{\"id\", \"tags\"} as JSON.")
    tag.add_argument("path", metavar="PATH", help="README file (any format), or - for stdin")
    tag.add_argument("--id", dest="item_id", metavar="ID",
                     help="the id written in the output (default: file name without extension; 'stdin' for -)")
    tag.add_argument("--description", metavar="TEXT", help="the repository description; it weighs like the title")
    _add_common(tag)
    tag.add_argument("--explain", action="store_true",
                     help="add an \"evidence\" object (score, phrases, sections) and print a table on stderr")

    batch = commands.add_parser("batch", help="tag many READMEs listed in a JSONL file",
                                epilog=EPILOG_BATCH, formatter_class=argparse.RawDescriptionHelpFormatter,
                                description="Tag every line of INPUT.jsonl; write JSONL in input order.")
    batch.add_argument("input", metavar="INPUT.jsonl", help="input lines, or - for stdin")
    _add_common(batch)
    batch.add_argument("--output", metavar="FILE", help="write JSONL here (default: stdout)")
    batch.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                       help="worker processes (default: the number of CPUs)")
    batch.add_argument("--resume", action="store_true",
                       help="append to --output, skipping ids that already have a line there without \"error\"")
    batch.add_argument("--dask", metavar="ADDRESS",
                       help="run on the Dask cluster at ADDRESS (e.g. tcp://10.0.0.5:8786) instead of local "
                            "processes; workers must see the input file at the same path (pip install "
                            "'readme-tagger[dask]')")
    batch.add_argument("--shard", metavar="I/N",
                       help="tag only the ids in shard I of N (a stable hash of the id), e.g. 0/4")

    evaluate = commands.add_parser("eval", help="score predictions against labels",
                                   epilog=EPILOG_EVAL, formatter_class=argparse.RawDescriptionHelpFormatter,
                                   description="Print F1 against the annotators, lenient precision, "
                                               "agreed recall and top-1 hits as one JSON object.")
    evaluate.add_argument("labels", metavar="LABELS.jsonl")
    evaluate.add_argument("predictions", metavar="PREDICTIONS.jsonl")

    from bot import repo_cli  # argument wiring only; PyGithub is imported when `repo` runs

    repo_cli.register(commands)
    from bot import org_scan

    org_scan.register(commands)
    return parser


def _version() -> str:
    from bot import __version__

    return __version__


def _tagger(vocabulary_path: str | None):
    from bot.engine import Tagger
    from bot.vocabulary import load_vocabulary

    return Tagger(load_vocabulary(vocabulary_path))


def run_tag(args) -> int:
    from bot import outputs
    from bot.readme import MAX_README_BYTES

    if args.path == "-":
        text, default_id = sys.stdin.buffer.read(MAX_README_BYTES), "stdin"
    else:
        try:
            with open(args.path, "rb") as handle:
                text = handle.read(MAX_README_BYTES)
        except OSError as exc:
            raise ConfigError(f"{args.path}: cannot read the README ({exc.strerror})",
                              "pass an existing file, or - for stdin") from None
        default_id = os.path.splitext(os.path.basename(args.path))[0]
    result = _tagger(args.vocabulary).tag(text, args.description, args.max_tags)
    if result.truncated or len(text) >= MAX_README_BYTES:
        print(f"warning: {args.path or 'README'} is long; only its start was read", file=sys.stderr)
    item_id = args.item_id if args.item_id is not None else default_id
    print(outputs.dumps(outputs.record(item_id, result, args.tag_format, args.explain)))
    if args.explain:
        outputs.explain_table(item_id, result)
    return 0


def run_batch(args) -> int:
    from bot import batch
    from bot.sharding import parse_shard

    tagger = _tagger(args.vocabulary)
    jobs = args.jobs if args.jobs else (os.cpu_count() or 1)
    base_dir = os.path.dirname(os.path.abspath(args.input)) if args.input != "-" else os.getcwd()
    if args.resume and not args.output:
        raise ConfigError("--resume needs --output FILE", "name the file the earlier run wrote: --output FILE --resume")
    shard = parse_shard(args.shard) if args.shard else None
    try:
        done = batch.done_ids(args.output) if args.resume else frozenset()
    except OSError as exc:
        raise ConfigError(f"{args.output}: cannot read the earlier output ({exc.strerror})") from None
    settings = batch.Settings(base_dir, args.max_tags, args.tag_format, args.vocabulary, shard, done)
    try:
        stream = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigError(f"{args.input}: cannot read the input ({exc.strerror})") from None
    try:
        mode = "a" if args.resume else "w"
        out = sys.stdout if not args.output else open(args.output, mode, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{args.output}: cannot write the output ({exc.strerror})") from None
    with stream, (out if args.output else _nullcontext(out)):
        if args.dask:
            from bot import dask_batch

            results = dask_batch.outcomes(args.input, settings, args.dask)
        else:
            results = batch.local_outcomes(stream, settings, jobs, tagger)
        good, bad = batch.write_outcomes(results, out, args.input)
    print(f"batch: {good:,} tagged, {bad:,} failed", file=sys.stderr)
    return 1 if bad else 0


class _nullcontext:
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return self.value

    def __exit__(self, *exc):
        return False


def _read_jsonl(path: str) -> dict:
    records = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ConfigError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                except (RecursionError, ValueError):  # deep nesting, or a number of over 4,300 digits
                    raise ConfigError(f"{path}:{number}: not valid JSON here (it nests too deeply, or a "
                                      "number is too long)") from None
                if not isinstance(item, dict) or "id" not in item:
                    raise ConfigError(f"{path}:{number}: expected an object with an \"id\"")
                for field in ("tags", "a", "b"):
                    if field in item and not isinstance(item[field], list):
                        raise ConfigError(f"{path}:{number}: \"{field}\" must be a list of tags")
                records[str(item["id"])] = item
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from None
    return records


def run_eval(args) -> int:
    from bot.evaluate import score

    print(json.dumps(score(_read_jsonl(args.labels), _read_jsonl(args.predictions))))
    return 0


def run_repo(args) -> int:
    from bot import repo_cli

    return repo_cli.run(args)


def run_org(args) -> int:
    from bot import org_scan

    return org_scan.run(args)


COMMANDS = {"tag": run_tag, "batch": run_batch, "eval": run_eval, "repo": run_repo, "org": run_org}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a full disk shows here, not as a traceback at exit
        return code
    except TaggerError as exc:
        print(f"readme-tagger: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("readme-tagger: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # e.g. no space left for the output: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"readme-tagger: error: {where}cannot read or write ({exc.strerror or exc}) (fix: check the disk and "
              "the paths, then run again; batch and repo go on where they stopped with --resume)", file=sys.stderr)
        return 2
