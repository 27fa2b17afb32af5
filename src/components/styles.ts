/** Styles shared by the views: form controls with 44 px touch targets, buttons, notices, cards. */
import { css } from 'lit'

export const shared = css`
  :host {
    display: block;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  h2 {
    font-size: 1.35rem;
    margin: 0 0 0.75rem;
  }
  h3 {
    font-size: 1.05rem;
    margin: 1.25rem 0 0.5rem;
  }
  a {
    color: var(--souk-link, var(--souk-accent, #0f5c4d));
  }
  button,
  .button,
  input,
  select,
  textarea {
    font: inherit;
    box-sizing: border-box;
  }
  input:not([type='checkbox']):not([type='radio']):not([type='file']),
  select,
  textarea {
    min-height: 2.75rem;
    padding: 0.4rem 0.6rem;
    border: 1px solid var(--souk-border-strong, #8a8578);
    border-radius: 0.5rem;
    background: var(--souk-surface, #fff);
    color: inherit;
    width: 100%;
  }
  input[type='file'] {
    max-width: 100%;
  }
  input[type='file']::file-selector-button {
    font: inherit;
    min-height: 2.75rem;
    padding: 0.4rem 1rem;
    margin-inline-end: 0.75rem;
    border-radius: 0.5rem;
    border: 1px solid var(--souk-accent, #0f5c4d);
    background: var(--souk-accent, #0f5c4d);
    color: var(--souk-on-accent, #fff);
    cursor: pointer;
  }
  textarea {
    min-height: 7rem;
    resize: vertical;
  }
  label {
    display: block;
    font-weight: 600;
    margin: 0.75rem 0 0.25rem;
  }
  .hint {
    font-size: 0.875rem;
    color: var(--souk-muted, #5e5a50);
    margin: 0.25rem 0 0;
  }
  button,
  .button {
    min-height: 2.75rem;
    padding: 0.4rem 1rem;
    border-radius: 0.5rem;
    border: 1px solid var(--souk-accent, #0f5c4d);
    background: var(--souk-surface, #fff);
    color: var(--souk-accent, #0f5c4d);
    cursor: pointer;
    text-decoration: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
  }
  button.primary,
  .button.primary {
    background: var(--souk-accent, #0f5c4d);
    color: var(--souk-on-accent, #fff);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid var(--souk-focus, #1a73e8);
    outline-offset: 2px;
  }
  .notice {
    border: 1px solid var(--souk-border, #dedad0);
    border-inline-start: 4px solid var(--souk-warn, #8a5a00);
    background: var(--souk-surface, #fff);
    padding: 0.75rem 1rem;
    border-radius: 0.5rem;
    margin: 0.75rem 0;
  }
  .error {
    color: var(--souk-bad, #a3261b);
  }
  .ok {
    color: var(--souk-ok, #1b7a3a);
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
    gap: 0.75rem;
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .muted {
    color: var(--souk-muted, #5e5a50);
  }
  dl.terms {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.3rem 0.75rem;
    margin: 0;
  }
  dl.terms dt {
    color: var(--souk-muted, #5e5a50);
  }
  dl.terms dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
`

/** A coloured dot before a status label: `<span class="dot" data-tone="ok|warn|bad">` (muted without a tone). */
export const statusDot = css`
  .dot {
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    border-radius: 50%;
    margin-inline-end: 0.35em;
    background: var(--souk-muted, #5e5a50);
  }
  .dot[data-tone='ok'] {
    background: var(--souk-ok, #1b7a3a);
  }
  .dot[data-tone='warn'] {
    background: var(--souk-warn, #8a5a00);
  }
  .dot[data-tone='bad'] {
    background: var(--souk-bad, #a3261b);
  }
`
