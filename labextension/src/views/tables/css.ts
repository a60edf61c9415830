// Tables, geometry: the fixed row height (virtual scrolling needs one) and the scroll
// container's height limit. The stylesheet is style/tables.css (it repeats both numbers).

export const ROW_H = 22; // px, every body row (cells are one line)
export const MAX_H = 560; // px, the scroll container's height limit
