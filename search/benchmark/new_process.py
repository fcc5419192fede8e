"""Each search's first request in a newly started process, which has answered nothing yet: it
analyses for the first time the words it meets (highlights, query stems, spelling) and reads the
index's files for the first time. The benchmark runs this module in a child process
(`python -m search.benchmark.new_process`, the URLs as JSON on standard input, their times in
seconds as JSON on the last line of standard output)."""

import json
import subprocess
import sys

from django.conf import settings


def time_in_new_process(urls: list[str]) -> list[float]:
    """Each URL's time in a child process started for them: it inherits this process's
    environment, so the same settings and database."""
    answer = subprocess.run(  # noqa: S603 (our own interpreter, our own module)
        [sys.executable, "-m", __name__],
        input=json.dumps(urls),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    if answer.returncode:
        last_line = (answer.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the new process failed: {last_line}")
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main() -> None:
    import django

    django.setup()
    from config.long_lived import freeze_what_is_loaded

    from .measure import RequestTimer

    urls = json.load(sys.stdin)
    freeze_what_is_loaded()  # as a served process does at start (config/wsgi.py)
    timer = RequestTimer(repeats=0)
    print(json.dumps([timer.get(url)[0] for url in urls]))


if __name__ == "__main__":
    main()
