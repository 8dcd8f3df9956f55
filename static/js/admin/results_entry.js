// Results typed like a results sheet: Enter in a result row moves to the next row's place,
// instead of submitting a race half entered. Shift+Enter goes back a row. A row is added
// (Django's "Add another" link) when Enter is pressed on the last one. Choosing an athlete
// moves on to the mark, past the add/change links beside the athlete field. After a refused
// save the cursor starts in the first field at fault, not at the top of the form.
"use strict";
{
    const GROUP = "#results-group";

    function rows() {
        return Array.from(document.querySelectorAll(`${GROUP} tr.form-row:not(.empty-form)`));
    }

    function focusFirstField(row) {
        const field = row && row.querySelector("input:not([type=hidden]), select, textarea");
        if (field) {
            field.focus();
            if (field.select) {
                field.select();
            }
        }
    }

    document.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" || event.isComposing || event.altKey || event.ctrlKey) {
            return;
        }
        const field = event.target;
        if (!(field instanceof HTMLInputElement) || field.type === "submit") {
            return;
        }
        const row = field.closest(`${GROUP} tr.form-row`);
        if (!row) {
            return;
        }
        event.preventDefault();
        const all = rows();
        const index = all.indexOf(row);
        if (event.shiftKey) {
            focusFirstField(all[index - 1]);
            return;
        }
        if (index === all.length - 1) {
            const add = document.querySelector(`${GROUP} .add-row a`);
            if (add) {
                add.click();
            }
        }
        focusFirstField(rows()[index + 1]);
    });

    // Autocomplete (select2) announces a choice through jQuery only, and then puts focus back
    // on itself, so the move to the mark waits for that. django.jQuery exists once the page's
    // scripts have all run.
    document.addEventListener("DOMContentLoaded", () => {
        if (!(window.django && window.django.jQuery)) {
            return;
        }
        window.django.jQuery(document).on("select2:select", `${GROUP} select`, (event) => {
            const mark = event.target.closest("tr").querySelector("input[name$='-mark']");
            if (mark) {
                setTimeout(() => mark.focus(), 0);
            }
        });
    });

    // Django's change_form.js (async) focuses the form's first field on an add page; the
    // load event comes after it has run.
    window.addEventListener("load", () => {
        const error = document.querySelector("#content-main form .errorlist");
        if (!error) {
            return;
        }
        let place = error.closest("td, .form-row, .fieldBox");
        const rowErrors = error.closest("tr.row-form-errors");
        if (rowErrors) {
            place = rowErrors.nextElementSibling;
        }
        const field = place && place.querySelector(
            ".select2-selection, input:not([type=hidden]), select:not(.admin-autocomplete), textarea"
        );
        if (field) {
            field.focus();
            if (field.select) {
                field.select();
            }
        }
    });
}
