from pathlib import Path

from generator.__main__ import main

ROOT = Path(__file__).parent.parent


def test_strict_build_of_sample_directory_produces_a_site(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out" / "site"
    assert main(["build", "--site-dir", str(out)]) == 0
    assert (out / "index.html").is_file()
    assert (out / "about" / "index.html").is_file()


def test_invalid_data_leaves_the_previous_site_untouched(valid_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous", encoding="utf-8")
    (valid_dir / "pudong/test-center.yml").write_text("name: [\n", encoding="utf-8")
    assert main(["build", "--directory", str(valid_dir), "--site-dir", str(out)]) == 1
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert "数据有错误，网站没有生成，原有网站保持不变。" in capsys.readouterr().err
