"""Measures Briefing against eSpeak NG's own CLI; called by scripts/bench.sh.

usage: bench_run.py BRIEFING_BINARY WORK_DIR [REPS]

Every figure is measured side by side in the same run, REPS times,
interleaved, and the median is printed. Per-process CPU time and peak RSS
come from wait4(2), the same kernel figures /usr/bin/time -v prints.
"""
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_corpus as corpus  # noqa: E402

SEED_ARTICLE = "/work/shared/seeds/000_827e0376d35ad4cd.txt"
# The default preset's values, so the CLI speaks at the same rate.
ESPEAK = ["espeak-ng", "-v", "cmn-latn-pinyin", "-s", "215", "-p", "50", "-a", "100"]
MEMORY_BUDGET_S = 25  # how long the 5 MB render may run (see row 5)


def run(cmd, stdin=None, stdout=subprocess.DEVNULL):
    """(wall seconds, CPU seconds, peak RSS in KiB) of one command, which must succeed."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({p.returncode}): {err.decode(errors='replace')[-800:]}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def median(xs):
    return statistics.median(xs)


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def espeak_text(briefing, article, work, extra=()):
    """The exact strings Briefing gives eSpeak NG, one sentence unit a line (from inspect --json)."""
    out = subprocess.run([briefing, "inspect", article, "--json", *extra], check=True, capture_output=True).stdout
    lines = []
    for section in json.loads(out)["sections"]:
        for s in section["sentences"]:
            lines.append(" ".join(r for r in speech_runs(s["tokens"])))
    path = os.path.join(work, os.path.basename(article) + ".espeak.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


PAUSES = {"，": ",", "、": ",", "；": ",", "：": ",", ",": ",", ";": ",", ":": ",", "—": ",", "…": ",",
          "～": ",", "。": ".", ".": ".", "．": ".", "？": "?", "?": "?", "！": "!", "!": "!"}


def speech_runs(tokens):
    """Python twin of pronounce's speech_runs (English runs kept, in the same voice here)."""
    runs, last_mark = [], True
    for t in tokens:
        if t.get("lang") == "en":
            piece, mark = t["text"], False
        elif t.get("pinyin") == "r" and runs and not last_mark:
            runs[-1] = runs[-1][:-1] + "r" + runs[-1][-1]
            continue
        elif t.get("pinyin"):
            piece, mark = ("er5" if t["pinyin"] == "r" else t["pinyin"]), False
        elif t["text"] in PAUSES:
            piece, mark = PAUSES[t["text"]], True
            if last_mark:
                continue
        else:
            continue
        runs.append(piece)
        last_mark = mark
    return runs


def wav_seconds(path):
    with wave.open(path) as w:
        return w.getnframes() / w.getframerate()


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores, {model}, {platform.system()} {platform.release()}; {espeak}"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, n, what, measured, compared, ratio, target, ok):
        self.rows.append((n, what, measured, compared, ratio, target, "yes" if ok else "**no**"))
        print(f"  row {n}: {measured} vs {compared} -> {ratio} (target {target})", file=sys.stderr, flush=True)

    def markdown(self):
        out = ["| # | what | Briefing | compared with | ratio | target | met |", "|---|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(str(c) for c in r) + " |" for r in self.rows]
        return "\n".join(out)


def render(briefing, article, out, *extra):
    return run([briefing, "render", article, "-o", out, "-q", *extra])


def row_long(t, b, work, reps, article):
    text = espeak_text(b, article, work)
    wav = os.path.join(work, "espeak-long.wav")
    ours, theirs, cpu_ours, cpu_theirs = [], [], [], []
    for _ in range(reps):
        w, c, _ = render(b, article, fresh(os.path.join(work, "long")), "--no-cache")
        ours.append(w), cpu_ours.append(c)
        w, c, _ = run(ESPEAK + ["-w", wav, "-f", text])
        theirs.append(w), cpu_theirs.append(c)
    folder = next(e.path for e in os.scandir(os.path.join(work, "long")) if e.is_dir() and e.name[0] != ".")
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    audio_ours, audio_theirs = manifest["duration_ms"] / 1000, wav_seconds(wav)
    r = median(ours) / median(theirs)
    t.add(1, f"render one long article ({os.path.getsize(article) // 1024} KB, {audio_ours / 60:.1f} min), 1 job",
          f"{median(ours):.3f} s", f"espeak-ng -w {median(theirs):.3f} s ({audio_theirs / 60:.1f} min)",
          f"{r:.2f}x", "<= 1.15x", r <= 1.15)
    return audio_ours / median(cpu_ours), audio_theirs / median(cpu_theirs)


def row_startup(t, b, work, reps):
    article = os.path.join(work, "one.txt")
    with open(article, "w") as f:
        f.write("一句话新闻\n" + corpus.sentence(random.Random(7)) + "\n")
    text = espeak_text(b, article, work, ["--no-title"])
    wav = os.path.join(work, "espeak-one.wav")
    ours, theirs = [], []
    for _ in range(reps):
        ours.append(render(b, article, fresh(os.path.join(work, "one")), "--no-cache", "--no-title")[0])
        theirs.append(run(ESPEAK + ["-w", wav, "-f", text])[0])
    r = median(ours) / median(theirs)
    t.add(2, "start-up: render a one-sentence article", f"{median(ours) * 1000:.0f} ms",
          f"espeak-ng -w {median(theirs) * 1000:.0f} ms", f"{r:.2f}x", "<= 1.5x", r <= 1.5)


def row_batch(t, b, work, reps, articles):
    inbox = fresh(os.path.join(work, "inbox"))
    rng = random.Random(3)
    for i in range(articles):
        with open(os.path.join(inbox, f"a{i:03d}.txt"), "w") as f:
            f.write(corpus.plain_article(rng, f"{rng.choice(corpus.PLACES)}新闻第{i}期", rng.randint(1, 2)))
    one, two, cpu = [], [], []
    for _ in range(reps):
        one.append(run([b, "batch", inbox, "-o", fresh(os.path.join(work, "b1")), "--jobs", "1", "--no-cache", "-q"])[0])
        w, c, _ = run([b, "batch", inbox, "-o", fresh(os.path.join(work, "b2")), "--jobs", "2", "--no-cache", "-q"])
        two.append(w), cpu.append(c)
    r = median(one) / median(two)
    # CPU over wall shows how much of two cores the batch got: less than 2
    # means other processes had the machine, not that the workers waited.
    t.add(3, f"batch of {articles} articles, --jobs 2", f"{median(two):.2f} s ({median(cpu) / median(two):.2f} cores busy)",
          f"--jobs 1 {median(one):.2f} s", f"{r:.2f}x faster", ">= 1.8x on 2 cores", r >= 1.8)


def row_edit(t, b, work, reps, article):
    with open(article) as f:
        lines = f.read().split("\n")
    cache = fresh(os.path.join(work, "edit-cache"))
    out = fresh(os.path.join(work, "edit"))
    render(b, article, out, "--cache-dir", cache)
    full, again = [], []
    middle = next(i for i in range(len(lines) // 2, len(lines)) if len(lines[i]) > 20)
    for k in range(reps):
        full.append(render(b, article, fresh(os.path.join(work, "edit-full")), "--no-cache")[0])
        edited = os.path.join(work, "edited.txt")
        changed = list(lines)
        changed[middle] = f"据第{k + 11}号通报，" + changed[middle]  # one new sentence unit
        with open(edited, "w") as f:
            f.write("\n".join(changed))
        again.append(render(b, edited, out, "--cache-dir", cache)[0])
    r = median(again) / median(full)
    t.add(4, "re-render after one sentence changed (warm cache)", f"{median(again):.3f} s",
          f"full render {median(full):.3f} s", f"{r:.2f}x", "<= 0.1x", r <= 0.1)


def rss_kib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def listen_started(out):
    """True once the listen stage has begun: it writes the first .lrc into the staging folder."""
    for entry in os.scandir(out):
        if entry.is_dir() and entry.name.startswith(".") and ".tmp-" in entry.name:
            if any(e.name.endswith(".lrc") for e in os.scandir(entry.path)):
                return True
    return False


def profile_render(cmd, out, budget):
    """Runs a render for at most `budget` seconds (SIGTERM then). Returns (peak RSS KiB over the
    whole run, peak RSS sampled every 20 ms before the listen stage began, finished?, seconds)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finished, before_listen, listening = True, 0, False
    while True:
        done, _, ru = os.wait4(p.pid, os.WNOHANG)  # wait4, not poll(): it keeps the rusage
        if done:
            break
        if not listening:
            listening = listen_started(out)
            if not listening:
                before_listen = max(before_listen, rss_kib(p.pid))
        if time.perf_counter() - start > budget:
            finished = False
            p.send_signal(signal.SIGTERM)
            _, _, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.02)
    p.returncode = 0
    return ru.ru_maxrss, before_listen, finished, time.perf_counter() - start


def row_memory(t, b, work):
    rng = random.Random(5)
    small = os.path.join(work, "digest-50k.md")
    big = os.path.join(work, "digest-5m.md")
    with open(small, "w") as f:
        f.write(corpus.markdown_article(rng, "五十千字节摘要", 50_000))
    with open(big, "w") as f:
        f.write(corpus.markdown_article(rng, "五兆字节摘要", 5_000_000))
    out = fresh(os.path.join(work, "m-small"))
    small_kib, small_pre, _, _ = profile_render([b, "render", small, "-o", out, "--no-cache", "-q"], out, 3600)
    out = fresh(os.path.join(work, "m-big"))
    big_kib, big_pre, finished, secs = profile_render([b, "render", big, "-o", out, "--no-cache", "-q"], out,
                                                      MEMORY_BUDGET_S)
    # The 5 MB digest is ~120 hours of audio: the whole render does not fit a
    # benchmark, so it runs for MEMORY_BUDGET_S (ingest, segmentation and the
    # first sections' synthesis and writing). Its peak is compared with the
    # 50 KB digest's peak over the same stages (before listen begins);
    # listen's own peak, per section, is the 50 KB digest's whole-render peak.
    grow = (big_kib - (small_kib if finished else small_pre)) / 1024
    note = "whole render" if finished else f"first {secs:.0f} s"
    t.add(5, f"peak RSS, 5 MB Markdown digest ({note}) vs 50 KB digest before listen",
          f"{big_kib / 1024:.1f} MiB", f"{small_pre / 1024:.1f} MiB (whole render {small_kib / 1024:.1f} MiB)",
          f"{grow:+.1f} MiB", "<= +32 MiB", grow <= 32)


def row_text(t, b, work, reps):
    rng = random.Random(11)
    src = os.path.join(work, "lines.txt")
    with open(src, "w") as f:
        size = 0
        while size < 4_000_000:
            line = corpus.sentence(rng) + "\n"
            f.write(line)
            size += len(line.encode())
    spoken = os.path.join(work, "spoken.txt")
    times = []
    for _ in range(reps):
        with open(src) as i, open(spoken, "w") as o:
            tn = run([b, "normalise"], stdin=i, stdout=o)[0]
        with open(spoken) as i:
            tp = run([b, "pinyin"], stdin=i)[0]
        times.append(tn + tp)
    mbps = size / 1e6 / median(times)
    t.add(6, "normalise + pronounce, 4 MB of text", f"{mbps:.1f} MB/s", "-", "-", ">= 2 MB/s", mbps >= 2)


def main():
    b, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    fresh(work)
    article = SEED_ARTICLE
    if not os.path.exists(article):
        article = os.path.join(work, "long.txt")
        with open(article, "w") as f:
            f.write(corpus.plain_article(random.Random(1), "长篇新闻样稿", 28))
    t = Table()
    started = time.time()
    load_before = f"{os.getloadavg()[0]:.2f}"
    ours_aps, theirs_aps = row_long(t, b, work, reps, article)
    row_startup(t, b, work, reps)
    row_batch(t, b, work, max(3, reps // 2), 200)
    row_edit(t, b, work, reps, article)
    row_memory(t, b, work)
    row_text(t, b, work, max(3, reps // 2))
    t.add(7, "audio per CPU second, whole pipeline (row 1)", f"{ours_aps:.0f} s/s", f"eSpeak alone {theirs_aps:.0f} s/s",
          f"{ours_aps / theirs_aps:.2f}x", "reported", True)
    print(f"\nMachine: {machine()}; load average {load_before} before, {os.getloadavg()[0]:.2f} after")
    print(f"Medians of {reps} runs (rows 3 and 6: {max(3, reps // 2)}), {time.time() - started:.0f} s in all, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print(t.markdown())


if __name__ == "__main__":
    main()
