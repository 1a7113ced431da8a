/** What a browser or curl sends a CSV file as; Windows with Excel installed labels .csv files application/vnd.ms-excel. */
export const CSV_CONTENT_TYPES = ['text/csv', 'application/octet-stream', 'application/vnd.ms-excel'];

/** Said when the import gets JSON or a form instead of the file. */
export const CSV_BODY_HINT = '请把 CSV 文件本身作为请求体上传，Content-Type 用 text/csv（不要用表单或 JSON）';
