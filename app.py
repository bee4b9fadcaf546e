"""planqa web app: `streamlit run app.py` (index folder: $PLANQA_INDEX, else index/)."""

from planqa.app import main

main()
