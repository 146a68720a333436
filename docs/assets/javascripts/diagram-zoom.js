// The site's zoom view for its diagrams: a picture opens, in the page, at the size its
// labels were set for, and pans and zooms with the mouse, the keyboard and touch.
// Written for this site (no library, nothing fetched from elsewhere).
//
// Scale 1 shows one SVG user unit (one point in Graphviz's output) as one CSS pixel, so
// a label set at the house size of 14 points is about 14 pixels tall. The view opens at
// the reading scale, a little larger, or larger still when the whole picture fits.
(() => {
  "use strict";

  const FIGURE = "figure.refarch-diagram";
  const MIN_SCALE = 0.1;
  const MAX_SCALE = 4;
  const READING_SCALE = 1.2;
  const STEP = 1.25;
  const PAN = 0.15; // of the viewport, per arrow key
  const WORDS = {
    en: {open: "Enlarge", zoomIn: "Zoom in", zoomOut: "Zoom out", fit: "Fit to screen",
         reading: "Reading size", close: "Close", help: "Drag or use the arrow keys to " +
         "move; + and − zoom, 0 fits, 1 returns to the reading size, Esc closes."},
    ja: {open: "拡大表示", zoomIn: "拡大", zoomOut: "縮小", fit: "画面に合わせる",
         reading: "読みやすい大きさ", close: "閉じる", help: "ドラッグか矢印キーで移動。" +
         "+ と − で拡大縮小、0 で画面に合わせ、1 で読みやすい大きさに戻し、Esc で閉じる。"},
  };

  const words = () => WORDS[document.documentElement.lang] || WORDS.en;

  // Graphviz gives the SVG's size in points: the image's natural size in CSS pixels is
  // 4/3 of its size in user units.
  const userUnits = (img) => ({w: img.naturalWidth * 0.75, h: img.naturalHeight * 0.75});

  class ZoomView {
    constructor(img, title, opener) {
      this.opener = opener;
      this.pointers = new Map();
      const w = words();
      this.root = document.createElement("div");
      this.root.className = "refarch-zoom";
      this.root.setAttribute("role", "dialog");
      this.root.setAttribute("aria-modal", "true");
      this.root.setAttribute("aria-label", title);
      this.root.innerHTML =
        '<div class="refarch-zoom__bar">' +
        '<span class="refarch-zoom__title"></span>' +
        '<button type="button" data-act="out"></button>' +
        '<button type="button" data-act="in"></button>' +
        '<button type="button" data-act="fit"></button>' +
        '<button type="button" data-act="reading"></button>' +
        '<button type="button" data-act="close"></button>' +
        "</div>" +
        '<div class="refarch-zoom__stage" tabindex="0"><img alt="" draggable="false"></div>' +
        '<p class="refarch-zoom__help"></p>';
      this.root.querySelector(".refarch-zoom__title").textContent = title;
      this.root.querySelector(".refarch-zoom__help").textContent = w.help;
      const labels = {out: ["−", w.zoomOut], in: ["+", w.zoomIn], fit: ["⤢", w.fit],
                      reading: ["A", w.reading], close: ["×", w.close]};
      for (const button of this.root.querySelectorAll("button")) {
        const [text, label] = labels[button.dataset.act];
        button.textContent = text;
        button.setAttribute("aria-label", label);
        button.title = label;
      }
      this.stage = this.root.querySelector(".refarch-zoom__stage");
      this.picture = this.stage.querySelector("img");
      this.picture.alt = img.alt;
      this.picture.src = img.currentSrc || img.src;
      this.units = userUnits(img);
      this.bind();
    }

    open() {
      document.body.appendChild(this.root);
      document.documentElement.classList.add("refarch-zoom-open");
      this.x = 0;
      this.y = 0;
      this.scale = Math.max(READING_SCALE, Math.min(this.fitScale(), MAX_SCALE));
      this.place(this.scale, null);
      this.stage.focus();
    }

    close() {
      this.root.remove();
      document.documentElement.classList.remove("refarch-zoom-open");
      this.opener.focus();
    }

    fitScale() {
      const box = this.stage.getBoundingClientRect();
      return Math.min(box.width / this.units.w, box.height / this.units.h);
    }

    // Scale to `scale`, keeping the point `at` (stage coordinates) where it is; with no
    // point, centre what fits and show the top left of what does not.
    place(scale, at) {
      const box = this.stage.getBoundingClientRect();
      scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
      if (at) {
        this.x = at.x - ((at.x - this.x) * scale) / this.scale;
        this.y = at.y - ((at.y - this.y) * scale) / this.scale;
      } else {
        const w = this.units.w * scale;
        const h = this.units.h * scale;
        this.x = w < box.width ? (box.width - w) / 2 : 0;
        this.y = h < box.height ? (box.height - h) / 2 : 0;
      }
      this.scale = scale;
      this.render();
    }

    pan(dx, dy) {
      this.x += dx;
      this.y += dy;
      this.render();
    }

    render() {
      // Keep some of the picture on screen whatever the pan.
      const box = this.stage.getBoundingClientRect();
      const w = this.units.w * this.scale;
      const h = this.units.h * this.scale;
      const margin = 48;
      this.x = Math.min(box.width - margin, Math.max(margin - w, this.x));
      this.y = Math.min(box.height - margin, Math.max(margin - h, this.y));
      this.picture.style.width = `${w}px`;
      this.picture.style.height = `${h}px`;
      this.picture.style.transform = `translate(${this.x}px, ${this.y}px)`;
    }

    centre() {
      const box = this.stage.getBoundingClientRect();
      return {x: box.width / 2, y: box.height / 2};
    }

    act(action) {
      if (action === "in") this.place(this.scale * STEP, this.centre());
      else if (action === "out") this.place(this.scale / STEP, this.centre());
      else if (action === "fit") this.place(this.fitScale(), null);
      else if (action === "reading") this.place(READING_SCALE, null);
      else if (action === "close") this.close();
    }

    bind() {
      this.root.addEventListener("click", (event) => {
        const button = event.target.closest("button");
        if (button) this.act(button.dataset.act);
      });
      this.root.addEventListener("keydown", (event) => {
        const box = this.stage.getBoundingClientRect();
        const keys = {
          "+": () => this.act("in"), "=": () => this.act("in"), "-": () => this.act("out"),
          "0": () => this.act("fit"), "1": () => this.act("reading"),
          ArrowLeft: () => this.pan(box.width * PAN, 0),
          ArrowRight: () => this.pan(-box.width * PAN, 0),
          ArrowUp: () => this.pan(0, box.height * PAN),
          ArrowDown: () => this.pan(0, -box.height * PAN),
          Escape: () => this.close(),
          Tab: () => this.trapFocus(event),
        };
        const handler = keys[event.key];
        if (!handler) return;
        if (event.key !== "Tab") event.preventDefault();
        handler();
      });
      this.stage.addEventListener("wheel", (event) => {
        event.preventDefault();
        const box = this.stage.getBoundingClientRect();
        const factor = Math.exp(-event.deltaY * 0.002);
        this.place(this.scale * factor, {x: event.clientX - box.left, y: event.clientY - box.top});
      }, {passive: false});
      // Pointer events cover the mouse, the pen and touch: one pointer pans, two pinch.
      this.stage.addEventListener("pointerdown", (event) => {
        this.stage.setPointerCapture(event.pointerId);
        this.pointers.set(event.pointerId, {x: event.clientX, y: event.clientY});
      });
      const release = (event) => this.pointers.delete(event.pointerId);
      this.stage.addEventListener("pointerup", release);
      this.stage.addEventListener("pointercancel", release);
      this.stage.addEventListener("pointermove", (event) => {
        const last = this.pointers.get(event.pointerId);
        if (!last) return;
        const now = {x: event.clientX, y: event.clientY};
        if (this.pointers.size === 1) {
          this.pan(now.x - last.x, now.y - last.y);
        } else if (this.pointers.size === 2) {
          const [other] = [...this.pointers].filter(([id]) => id !== event.pointerId);
          const o = other[1];
          const before = Math.hypot(last.x - o.x, last.y - o.y);
          const after = Math.hypot(now.x - o.x, now.y - o.y);
          const box = this.stage.getBoundingClientRect();
          const mid = {x: (now.x + o.x) / 2 - box.left, y: (now.y + o.y) / 2 - box.top};
          if (before > 0) this.place(this.scale * (after / before), mid);
        }
        this.pointers.set(event.pointerId, now);
      });
    }

    trapFocus(event) {
      const focusable = [...this.root.querySelectorAll("button, .refarch-zoom__stage")];
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  }

  const enhance = () => {
    for (const figure of document.querySelectorAll(FIGURE)) {
      const img = figure.querySelector("img");
      if (!img || img.dataset.zoom) continue;
      const title = (figure.querySelector("figcaption") || img).textContent || img.alt;
      img.dataset.zoom = "ready";
      img.tabIndex = 0;
      img.setAttribute("role", "button");
      img.setAttribute("aria-label", `${words().open}: ${title.trim()}`);
      const open = () => new ZoomView(img, title.trim(), img).open();
      img.addEventListener("click", open);
      img.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          open();
        }
      });
    }
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance);
  else enhance();
})();
