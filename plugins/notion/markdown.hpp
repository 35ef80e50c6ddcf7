// Notion rich text <-> a Markdown subset: **bold**, *italic*, ~~strikethrough~~, `code`, [text](url);
// anything else is plain text (backslash escapes when plain text would otherwise read as formatting).
// Underline, colours, mentions and equations have no Markdown form: they read as their plain text and are
// lost when the field is edited and written back (an unchanged field is never written, so it keeps them).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace scratch::notion {

// A title or rich_text array as Markdown ("" for an empty array).
std::string rich_text_to_markdown(const nlohmann::json& items);

// Markdown -> the rich-text array to write: text items of at most 2000 characters (UTF-16 units, as Notion
// counts). Throws plugin::Error("invalid_value") when it needs more than Notion's 100 items.
nlohmann::json markdown_to_rich_text(const std::string& markdown);

}  // namespace scratch::notion
