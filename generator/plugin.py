"""The MkDocs plugin: glue only. It loads the validated directory and adds the generated pages in memory."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from .directory import load_directory
from .problems import format_text, has_errors, sort_problems


class DirectoryConfig(Config):
    path = config_options.Type(str, default="directory")


class DirectoryPlugin(BasePlugin[DirectoryConfig]):
    def on_config(self, config):
        root = Path(self.config.path)
        if not root.is_absolute():
            root = Path(config.config_file_path).parent / root
        directory, problems = load_directory(root)
        if directory is None or has_errors(problems):
            raise PluginError("名录数据有错误，网站未生成：\n" + format_text(sort_problems(problems)))
        self.directory = directory
        return config
