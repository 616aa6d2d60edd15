/** The class of the dialog's layer: focus inside it is the dialog's, not the page's to return to. */
export const BACKDROP = 'modal-backdrop';
