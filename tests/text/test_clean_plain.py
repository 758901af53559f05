from docket.text.clean_plain import clean_plain

SCRAPE = """Skip to main content
NEWS  |  RUSSIA  |  PRISONS  |  OPINION

Guards beat inmates who refused to sign army contracts, relatives say

Guards beat inmates who refused to sign army contracts, relatives say

By Staff Reporter
March 3, 2023

Share on Facebook    Share on Twitter    Email    Print

Relatives of prisoners held in a penal colony in the Volga region say guards beat at least six men who refused to sign contracts with the army.

Women gather outside the colony gatesPhoto: Reuters

The prison service did not respond to a request for comment.

Read also:
  • How prisoner recruitment works
  • Families search for missing convicts

Читайте также: В колонии сменился начальник
Поддержите нас — оформите ежемесячное пожертвование.
Comments (12)
Facebook 1.2k   Twitter 864
"""


def test_boilerplate_lines_removed_from_scrape():
    text = clean_plain(SCRAPE)
    paragraphs = text.split("\n\n")
    assert paragraphs == [
        "Guards beat inmates who refused to sign army contracts, relatives say",
        "Relatives of prisoners held in a penal colony in the Volga region say guards beat at least six men "
        "who refused to sign contracts with the army.",
        "Women gather outside the colony gates",
        "The prison service did not respond to a request for comment.",
    ]


def test_output_is_deterministic_and_keeps_real_short_paragraphs():
    raw = "Их держат в подвале.\n\nНезависимо проверить эти данные не удалось.\n"
    assert clean_plain(raw) == clean_plain(raw) == "Их держат в подвале.\n\nНезависимо проверить эти данные не удалось."


def test_hard_wrapped_email_block_becomes_one_paragraph():
    raw = (
        "My brother was mobilised in October and sent to the front without\n"
        "any training. Since then we have heard nothing from his commanders\n"
        "and the enlistment office refuses to answer our letters.\n"
    )
    assert clean_plain(raw).count("\n") == 0


def test_donation_trailer_cut_but_not_a_mid_text_mention():
    raw = "The court jailed eleven guards.\n\nMeduza survived 2024 thanks to its readers!\n\nLet's stick together for 2025."
    assert clean_plain(raw) == "The court jailed eleven guards."
