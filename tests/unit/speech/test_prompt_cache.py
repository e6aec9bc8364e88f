"""The prompt cache: one file per (text, voice), rendered once, written atomically, safe across threads."""
from __future__ import annotations

import threading

from speech.audio import Audio, from_wav
from speech.errors import SynthesisFailed
from speech.model import Prompt, Voice
from speech.prompt_cache import PromptCache

KEY = b"k" * 32  # a test's own key; the server's comes from IVR_SERVER_SECRET or its instance key file


class CountingSynthesizer:
    """Wraps a real synthesizer and counts renders."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.renders = 0

    def render(self, text: str, voice: Voice) -> Audio:
        self.renders += 1
        return self.inner.render(text, voice)


def test_a_cache_hit_returns_the_same_file_without_rendering_again(synthesizer, tmp_path):
    counting = CountingSynthesizer(synthesizer)
    cache = PromptCache(tmp_path, key=KEY, synthesizer=counting)
    first = cache.get("요금 문의는 2번", Voice("ko"))
    mtime = first.stat().st_mtime_ns
    again = cache.get("요금 문의는 2번", Voice("ko"))
    assert (again, again.stat().st_mtime_ns, counting.renders) == (first, mtime, 1)


def test_a_prompt_never_rendered_is_not_found(synthesizer, tmp_path):
    assert PromptCache(tmp_path, key=KEY, synthesizer=synthesizer).lookup("없는 안내", Voice("ko")) is None


def test_text_language_variant_and_rate_each_make_a_different_file(synthesizer, tmp_path):
    cache = PromptCache(tmp_path, key=KEY, synthesizer=synthesizer)
    voices = [Voice("ko"), Voice("ko", "f3"), Voice("ko", rate_wpm=150), Voice("en")]
    paths = {cache.path_for("1", v) for v in voices} | {cache.path_for("2", Voice("ko"))}
    assert len(paths) == 5


def test_cached_files_are_8_khz_wavs_and_no_temporary_file_is_left(synthesizer, tmp_path):
    path = PromptCache(tmp_path, key=KEY, synthesizer=synthesizer).get("배송 조회는 1번", Voice("ko"))
    assert from_wav(path.read_bytes()).rate_hz == 8000
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_render_all_renders_the_missing_counts_the_cached_and_reports_the_failed(synthesizer, tmp_path):
    cache = PromptCache(tmp_path, key=KEY, synthesizer=CountingSynthesizer(synthesizer))
    cache.get("요금", Voice("ko"))
    seen = []
    prompts = [Prompt("요금"), Prompt("기술 지원"), Prompt("기술 지원"), Prompt(" ")]
    report = cache.render_all(prompts, progress=lambda done, total, prompt: seen.append((done, total)))
    assert (report.rendered, report.cached, [p.text for p, _ in report.failed]) == (1, 1, [" "])
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_two_threads_filling_the_cache_at_once_both_get_valid_files(synthesizer, tmp_path):
    cache = PromptCache(tmp_path, key=KEY, synthesizer=synthesizer)
    texts = [f"{n}번을 누르세요" for n in range(1, 9)]
    threads = [threading.Thread(target=cache.render_all, args=([Prompt(t) for t in texts[i::2]],)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    durations = [from_wav(cache.lookup(t, Voice()).read_bytes()).duration_s for t in texts]
    assert all(d > 0.5 for d in durations)


def test_a_synthesizer_giving_no_audio_is_synthesis_failed(tmp_path):
    class Mute:
        def render(self, text, voice):
            return Audio(b"", 8000)

    try:
        PromptCache(tmp_path, key=KEY, synthesizer=Mute()).get("요금", Voice())
    except SynthesisFailed as exc:
        assert "no audio" in str(exc)
    else:
        raise AssertionError("expected SynthesisFailed")
