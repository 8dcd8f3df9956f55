// Live preview of a date known to a day, a month or a year, as readers will see it:
// "25 May 2024", "Nov 2023", "2023" (the same words as rivalries/dates.py's display()).
// The server renders the preview of the stored value; this keeps it current while typing.
"use strict";
{
    const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    // The admin's date field takes YYYY-MM-DD and, in British English, DD/MM/YYYY; a month
    // as YYYY-MM and a year as YYYY (rivalries/date_fields.py).
    function parse(text) {
        const value = text.trim();
        let match = /^(\d{4})(?:-(\d{1,2}))?$/.exec(value);
        let year, month, day;
        if (match) {
            [year, month, day] = [+match[1], match[2] === undefined ? 1 : +match[2], 1];
        } else if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value))) {
            [year, month, day] = [+match[1], +match[2], +match[3]];
        } else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(value))) {
            [day, month, year] = [+match[1], +match[2], +match[3]];
            if (match[3].length === 2) {
                year += 2000;
            }
        } else {
            return null;
        }
        const date = new Date(Date.UTC(year, month - 1, day));
        if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
            return null;
        }
        return {year, month, day};
    }

    function display(date, precision) {
        if (precision === "year") {
            return `${date.year}`;
        }
        if (precision === "month") {
            return `${MONTHS[date.month - 1]} ${date.year}`;
        }
        return `${date.day} ${MONTHS[date.month - 1]} ${date.year}`;
    }

    function precisionOf(form, field) {
        const chosen = form.querySelector(`[name="${field}_precision"]:checked`)
            || form.querySelector(`select[name="${field}_precision"]`);
        return chosen ? chosen.value : "day";
    }

    function update(preview) {
        const field = preview.dataset.preciseDate;
        const form = preview.closest("form");
        const input = form && form.querySelector(`input[name="${field}"]`);
        if (!input) {
            return;
        }
        const date = parse(input.value);
        preview.textContent = date ? display(date, precisionOf(form, field)) : "—";
    }

    function updateAll() {
        document.querySelectorAll("[data-precise-date]").forEach(update);
    }

    document.addEventListener("input", updateAll);
    document.addEventListener("change", updateAll);
    document.addEventListener("focusout", updateAll);  // the calendar widget sets the value
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", updateAll);
    } else {
        updateAll();
    }
}
