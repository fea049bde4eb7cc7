from bot.engine import Tagger


def test_firecracker_like_readme_gets_serverless():
    text = "# Firecracker\n\nSecure and fast microVMs for serverless computing.\n"
    names = [tag.name for tag in Tagger().tag(text).tags]
    assert "serverless" in names
