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


def test_strict_mkdocs_build_refuses_an_invalid_record_with_the_validators_message(valid_dir, tmp_path, monkeypatch, caplog):
    import pytest
    from mkdocs.exceptions import Abort

    from generator.commands.build import build_site

    monkeypatch.chdir(ROOT)
    (valid_dir / "pudong/test-center.yml").write_text("name: 测试\n", encoding="utf-8")
    out = tmp_path / "site"
    with pytest.raises(Abort):
        build_site(valid_dir, out, ROOT / "mkdocs.yml")
    assert "名录数据有错误，网站未生成" in caplog.text
    assert "字段 district：缺少必填字段（所在区）" in caplog.text
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["directory"]


def test_record_text_is_escaped_in_titles_and_pages(valid_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    record = valid_dir / "pudong/test-center.yml"
    payload = '</title><script>alert(1)</script><img src=x onerror=alert(2)>{{ 7*7 }}'
    record.write_text(record.read_text(encoding="utf-8").replace("name: 测试检测中心", f'name: "{payload}"'), encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "--directory", str(valid_dir), "--site-dir", str(out)]) == 0
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, page
    html = (out / "institutions/test-center/index.html").read_text(encoding="utf-8")
    assert "<h1>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;{{ 7*7 }}</h1>" in html
