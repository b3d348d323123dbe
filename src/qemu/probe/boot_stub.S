/* The accelerator probe's guest: a 512-byte boot sector that SeaBIOS loads at
 * 0x7c00. It must really execute under the accelerator being tested: real mode
 * (serial output), the switch to 32-bit protected mode with A20 on, arithmetic
 * and memory above 1 MiB, then exit through isa-debug-exit. A KVM that cannot
 * run ordinary guests (nested "PVM": "emulation failure") fails somewhere on
 * this path. boot_stub.cc holds the assembled bytes; boot_stub_test.cc checks
 * they match this file (as --32 && ld -Ttext 0x7c00 --oformat binary). */
        .code16
        .globl _start
_start:
        cli
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movw    $0x7c00, %sp
        ljmp    $0, $rm                 /* normalise CS:IP (BIOSes vary) */
rm:
        movw    $msg_rm, %si
1:      lodsb
        testb   %al, %al
        jz      2f
        movw    $0x3f8, %dx             /* COM1 data register */
        outb    %al, %dx
        jmp     1b
2:
        inb     $0x92, %al              /* fast A20 */
        orb     $2, %al
        andb    $0xfe, %al
        outb    %al, $0x92
        lgdtl   gdt_desc
        movl    %cr0, %eax
        orl     $1, %eax
        movl    %eax, %cr0
        ljmpl   $0x08, $pm

        .code32
pm:
        movw    $0x10, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movl    $0x7c00, %esp
        /* sum of i*i for i = 1..1000 */
        xorl    %ebx, %ebx
        movl    $1, %ecx
3:      movl    %ecx, %eax
        imull   %ecx, %eax
        addl    %eax, %ebx
        incl    %ecx
        cmpl    $1000, %ecx
        jbe     3b
        /* write i to 0x100000 + 4*i for i < 1024, then add them all back */
        movl    $0x100000, %edi
        xorl    %ecx, %ecx
4:      movl    %ecx, (%edi,%ecx,4)
        incl    %ecx
        cmpl    $1024, %ecx
        jb      4b
        xorl    %ecx, %ecx
5:      addl    (%edi,%ecx,4), %ebx
        incl    %ecx
        cmpl    $1024, %ecx
        jb      5b
        /* "XENIA-STUB pm " + 8 hex digits of ebx + "\n" */
        movl    $msg_pm, %esi
        movw    $0x3f8, %dx
6:      lodsb
        testb   %al, %al
        jz      7f
        outb    %al, %dx
        jmp     6b
7:      movl    $8, %ecx
8:      roll    $4, %ebx
        movl    %ebx, %eax
        andl    $0xf, %eax
        movb    hexdigits(%eax), %al
        outb    %al, %dx
        decl    %ecx
        jnz     8b
        movb    $'\n', %al
        outb    %al, %dx
        movb    $0x10, %al              /* isa-debug-exit: QEMU exits (0x10<<1)|1 = 33 */
        outb    %al, $0xf4
9:      hlt
        jmp     9b

msg_rm: .asciz  "XENIA-STUB rm\n"
msg_pm: .asciz  "XENIA-STUB pm "
hexdigits: .ascii "0123456789ABCDEF"
        .p2align 3
gdt:    .quad   0
        .quad   0x00cf9a000000ffff      /* 0x08: 4 GiB flat code */
        .quad   0x00cf92000000ffff      /* 0x10: 4 GiB flat data */
gdt_desc:
        .word   gdt_desc - gdt - 1
        .long   gdt
        .org    510
        .byte   0x55, 0xaa
