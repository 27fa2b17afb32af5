/** Styles of the trust dialogs (dispute, rating): a modal that fits a 360 px phone, radio rows, actions. */
import { css } from 'lit'

export const dialogStyles = css`
  dialog {
    width: min(34rem, calc(100vw - 1rem));
    max-height: calc(100dvh - 1rem);
    box-sizing: border-box;
    border: 1px solid var(--souk-border, #dedad0);
    border-radius: 0.75rem;
    padding: 1rem;
    background: var(--souk-bg, #fbfaf7);
    color: inherit;
  }
  @media (max-width: 30rem) {
    dialog {
      padding: 0.75rem;
    }
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.4);
  }
  h3 {
    margin-top: 0;
  }
  fieldset {
    border: 0;
    padding: 0;
    margin: 0.75rem 0 0;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0;
  }
  .pick {
    display: flex;
    align-items: center;
    gap: 0.6rem;
    min-height: 2.75rem;
    margin: 0;
    font-weight: 600;
    cursor: pointer;
  }
  .pick input {
    width: 1.4rem;
    height: 1.4rem;
    margin: 0;
    flex: none;
  }
  .pick:has(input:disabled) {
    cursor: not-allowed;
    color: var(--souk-muted, #5e5a50);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 1rem;
  }
  .actions button {
    flex: 1 1 10rem;
  }
  .counter {
    text-align: end;
  }
`
