#include "sourceview.h"

#include "statuscolors.h"

#include <QFontDatabase>
#include <QPainter>
#include <QTextBlock>

namespace smtpscope::ui {

class LineNumberArea : public QWidget
{
public:
    explicit LineNumberArea(SourceView *view)
        : QWidget(view)
        , m_view(view)
    { }
    QSize sizeHint() const override { return { m_view->gutterWidth(), 0 }; }

protected:
    void paintEvent(QPaintEvent *event) override { m_view->paintGutter(event); }

private:
    SourceView *m_view;
};

SourceView::SourceView(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_gutter(new LineNumberArea(this))
{
    setReadOnly(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setUndoRedoEnabled(false);
    connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { setViewportMargins(gutterWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect &rect, int dy) {
        if (dy)
            m_gutter->scroll(0, dy);
        else
            m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
    });
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, [this] {
        if (!m_programmatic)
            Q_EMIT lineActivated(cursorLine());
    });
    setViewportMargins(gutterWidth(), 0, 0, 0);
}

void SourceView::setSource(const QString &text, int firstLine)
{
    m_programmatic = true;
    m_firstLine = std::max(1, firstLine);
    m_highlight = { 0, 0 };
    setPlainText(text);
    setViewportMargins(gutterWidth(), 0, 0, 0);
    updateSelections();
    m_programmatic = false;
}

int SourceView::gutterWidth() const
{
    const int digits = int(QString::number(lastLine()).size());
    return 12 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(3, digits);
}

int SourceView::cursorLine() const
{
    return m_firstLine + textCursor().blockNumber();
}

void SourceView::highlightLines(int first, int last, bool reveal)
{
    m_programmatic = true;
    m_highlight = { first, last };
    updateSelections();
    if (first > 0 && reveal) {
        const QTextBlock lastBlock = document()->findBlockByNumber(std::max(0, last - m_firstLine));
        const QTextBlock firstBlock = document()->findBlockByNumber(std::max(0, first - m_firstLine));
        if (firstBlock.isValid()) {
            // Show the end, then the start, so that the whole range is visible when it fits.
            QTextCursor cursor(lastBlock.isValid() ? lastBlock : firstBlock);
            setTextCursor(cursor);
            ensureCursorVisible();
            setTextCursor(QTextCursor(firstBlock));
            ensureCursorVisible();
        }
    }
    m_programmatic = false;
}

void SourceView::updateSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    if (m_highlight.first > 0) {
        const StatusColors colors(palette());
        QTextEdit::ExtraSelection sel;
        sel.format.setBackground(colors.evidenceBackground());
        sel.format.setForeground(colors.evidenceText());
        sel.format.setProperty(QTextFormat::FullWidthSelection, true);
        const QTextBlock a = document()->findBlockByNumber(std::max(0, m_highlight.first - m_firstLine));
        const QTextBlock b = document()->findBlockByNumber(std::max(0, m_highlight.second - m_firstLine));
        if (a.isValid()) {
            QTextCursor c(a);
            c.setPosition(
                b.isValid() ? b.position() + b.length() - 1 : a.position() + a.length() - 1, QTextCursor::KeepAnchor);
            sel.cursor = c;
            selections.append(sel);
        }
    }
    setExtraSelections(selections);
    m_gutter->update();
}

bool SourceView::findText(const QString &text, bool backwards)
{
    if (text.isEmpty())
        return false;
    const QTextDocument::FindFlags flags = backwards ? QTextDocument::FindBackward : QTextDocument::FindFlags();
    if (find(text, flags))
        return true;
    // Wrap around.
    const QTextCursor keep = textCursor();
    QTextCursor start(document());
    if (backwards)
        start.movePosition(QTextCursor::End);
    setTextCursor(start);
    if (find(text, flags))
        return true;
    setTextCursor(keep);
    return false;
}

void SourceView::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect cr = contentsRect();
    m_gutter->setGeometry(QRect(cr.left(), cr.top(), gutterWidth(), cr.height()));
}

void SourceView::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateSelections();
}

void SourceView::paintGutter(QPaintEvent *event)
{
    QPainter painter(m_gutter);
    const StatusColors colors(palette());
    painter.fillRect(event->rect(), colors.panel());
    QTextBlock block = firstVisibleBlock();
    int number = block.blockNumber();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + qRound(blockBoundingRect(block).height());
    while (block.isValid() && top <= event->rect().bottom()) {
        if (block.isVisible() && bottom >= event->rect().top()) {
            const int line = m_firstLine + number;
            const bool lit = m_highlight.first > 0 && line >= m_highlight.first && line <= m_highlight.second;
            painter.setPen(lit ? palette().color(QPalette::Text) : colors.muted());
            painter.drawText(
                0, top, m_gutter->width() - 6, fontMetrics().height(), Qt::AlignRight, QString::number(line));
        }
        block = block.next();
        top = bottom;
        bottom = top + qRound(blockBoundingRect(block).height());
        ++number;
    }
}

} // namespace smtpscope::ui
