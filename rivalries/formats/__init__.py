"""Date formats of our own for each language (settings.FORMAT_MODULE_PATH).

English writes "25 May 2024" and "Nov 2023" (British order, as the site always has); bokmål
"25. mai 2024" and "november 2023". Only dates: a mark or a gap is never a localized number.
"""
