"""A FileCheckpointer path no file can have is refused when the checkpointer is made, saying what is wrong: an empty
path was taken as the working folder and refused as "a folder, not a file", and one holding a NUL failed in os with
"embedded null byte", naming neither the path nor the checkpoint."""
import os

import pytest

from client.gateway import FileCheckpointer


@pytest.mark.parametrize("path, words", [
    ("", r"^the checkpoint file's path is empty: give the path of the file that keeps the listener's position"),
    ("state/events\0.json", r"^checkpoint file 'state/events\\x00.json' holds a NUL character, which no file name "
                            r"can: give the path without it$"),
], ids=["empty", "NUL"])
def test_a_path_no_file_can_have_is_refused_saying_why(tmp_path, monkeypatch, path, words):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=words):
        FileCheckpointer(path)
    assert os.listdir(tmp_path) == []          # nothing made
