"""The Streamlit app (app.py calls ``main``): pages in planqa/app/pages/, one module each."""

from __future__ import annotations


def main() -> None:
    import streamlit as st

    from planqa.app.navigation import pages

    st.set_page_config(page_title="planqa 规划文本问答", page_icon=":material/account_balance:", layout="wide")
    st.navigation(list(pages().values())).run()
