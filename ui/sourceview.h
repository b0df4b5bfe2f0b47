#pragma once

#include <QPlainTextEdit>

namespace smtpscope::ui {

/// The source of a document, read-only, with line numbers; shows a window of the document's lines (a whole
/// small file, or the current session of a large log), highlights the lines of the selected step or recipient,
/// and reports which line the user moved the cursor to.
class SourceView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit SourceView(QWidget *parent = nullptr);

    /// Shows @p text, whose first line is line @p firstLine of the document.
    void setSource(const QString &text, int firstLine = 1);
    int firstLine() const { return m_firstLine; }
    int lastLine() const { return m_firstLine + blockCount() - 1; }
    /// Highlights document lines first..last and, with @p reveal, moves the cursor there and scrolls them into
    /// view; first 0 clears.
    void highlightLines(int first, int last, bool reveal = true);
    QPair<int, int> highlightedLines() const { return m_highlight; }
    /// The document line of the text cursor.
    int cursorLine() const;
    /// Finds @p text from the cursor on (wrapping); true when found.
    bool findText(const QString &text, bool backwards = false);

Q_SIGNALS:
    /// The user moved the cursor (click, keys) to a document line.
    void lineActivated(int line);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    friend class LineNumberArea;
    int gutterWidth() const;
    void paintGutter(QPaintEvent *event);
    void updateSelections();

    QWidget *m_gutter;
    int m_firstLine = 1;
    QPair<int, int> m_highlight { 0, 0 };
    bool m_programmatic = false;
};

} // namespace smtpscope::ui
